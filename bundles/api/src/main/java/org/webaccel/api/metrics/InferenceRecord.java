package org.webaccel.api.metrics;

import java.time.Instant;
import java.util.Objects;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;

/**
 * What one inference cost, as the metrics store keeps it. Latencies are in milliseconds.
 *
 * @param time when the inference ended
 * @param model the model name
 * @param version the model version
 * @param modelType the model's type, used for recommendations
 * @param backend the backend that ran it, e.g. {@code chromium}
 * @param browserVersion the browser's version as the backend reports it, or {@code ""} when unknown
 * @param executionProvider the execution provider that ran it
 * @param worker the worker (page) id, or {@code ""} when the request never reached a worker
 * @param batchSize the batch dimension of the inputs (1 when the model has none)
 * @param queuedMs time waiting for a worker
 * @param transferMs framing and transfer time in both directions
 * @param computeMs {@code session.run} time in the page
 * @param totalMs from submission until the result (or the failure)
 * @param failure {@code null} when the inference succeeded; otherwise the failure class, e.g. the simple name
 *        of the exception ({@code DeadlineExceededException})
 * @param inputBytes the size of the input tensors in bytes
 * @param precision the precision of the model's weights, as its descriptor names it ({@code fp32} when null
 *        or blank)
 * @param loadMs time spent creating the model's session in the page for this inference, 0 when the page had it
 *        already, {@code NaN} when not known (a failure before a page answered, or a record of an older release)
 * @param residentBytes the resident memory of the browser (with its helper processes) that ran the inference,
 *        as last measured, or -1 when not known
 * @since 1.2
 */
public record InferenceRecord(Instant time, String model, String version, ModelType modelType, String backend,
        String browserVersion, ExecutionProvider executionProvider, String worker, int batchSize, double queuedMs,
        double transferMs, double computeMs, double totalMs, String failure, long inputBytes, String precision,
        double loadMs, long residentBytes) {

    /** Checks the identifying fields; empty strings stand for unknown optional text, -1 for unknown memory. */
    public InferenceRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(executionProvider, "executionProvider");
        browserVersion = browserVersion == null ? "" : browserVersion;
        worker = worker == null ? "" : worker;
        precision = precision == null || precision.isBlank() ? ModelDescriptor.DEFAULT_PRECISION : precision;
        residentBytes = residentBytes < 0 ? -1 : residentBytes;
    }

    /**
     * A record without session-creation time and memory (both unknown); the parameters are those of the
     * canonical constructor without {@code loadMs} and {@code residentBytes}.
     */
    public InferenceRecord(Instant time, String model, String version, ModelType modelType, String backend,
            String browserVersion, ExecutionProvider executionProvider, String worker, int batchSize,
            double queuedMs, double transferMs, double computeMs, double totalMs, String failure, long inputBytes,
            String precision) {
        this(time, model, version, modelType, backend, browserVersion, executionProvider, worker, batchSize,
                queuedMs, transferMs, computeMs, totalMs, failure, inputBytes, precision, Double.NaN, -1);
    }

    /**
     * A record of an inference of a model with {@link ModelDescriptor#DEFAULT_PRECISION fp32} weights; the
     * parameters are those of the canonical constructor without {@code precision}.
     */
    public InferenceRecord(Instant time, String model, String version, ModelType modelType, String backend,
            String browserVersion, ExecutionProvider executionProvider, String worker, int batchSize,
            double queuedMs, double transferMs, double computeMs, double totalMs, String failure, long inputBytes) {
        this(time, model, version, modelType, backend, browserVersion, executionProvider, worker, batchSize,
                queuedMs, transferMs, computeMs, totalMs, failure, inputBytes, ModelDescriptor.DEFAULT_PRECISION);
    }

    /** @return true when the inference produced a result */
    public boolean succeeded() {
        return failure == null;
    }

    /**
     * The record of a successful inference.
     *
     * @param time when it ended
     * @param descriptor the model that ran
     * @param result what the pool answered
     * @param browserVersion the browser's version, or {@code ""}
     * @param batchSize the batch dimension of the inputs
     * @param inputBytes the size of the inputs in bytes
     * @return the record, with the session-creation time of the result's timings and memory unknown
     */
    public static InferenceRecord of(Instant time, ModelDescriptor descriptor, InferenceResult result,
            String browserVersion, int batchSize, long inputBytes) {
        return of(time, descriptor, result, browserVersion, batchSize, inputBytes, -1);
    }

    /**
     * The record of a successful inference, with the memory of the browser that ran it.
     *
     * @param time when it ended
     * @param descriptor the model that ran
     * @param result what the pool answered; its {@code loadMs} is the session-creation time
     * @param browserVersion the browser's version, or {@code ""}
     * @param batchSize the batch dimension of the inputs
     * @param inputBytes the size of the inputs in bytes
     * @param residentBytes the browser's resident memory, or -1 when not known
     * @return the record
     * @since 1.2
     */
    public static InferenceRecord of(Instant time, ModelDescriptor descriptor, InferenceResult result,
            String browserVersion, int batchSize, long inputBytes, long residentBytes) {
        return new InferenceRecord(time, descriptor.name(), descriptor.version(), descriptor.type(),
                result.backend(), browserVersion, result.executionProvider(), result.worker(), batchSize,
                result.timings().queuedMs(), result.timings().transferMs(), result.timings().computeMs(),
                result.timings().totalMs(), null, inputBytes, descriptor.precision(), result.timings().loadMs(),
                residentBytes);
    }
}
