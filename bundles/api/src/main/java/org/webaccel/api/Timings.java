package org.webaccel.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the time of one inference went, in milliseconds, all measured.
 *
 * @param queuedMs from submission until a worker took the request
 * @param loadMs creating the ONNX Runtime session in the page, when this request had to load the model
 *        (0 when the page already had it)
 * @param transferMs the worker round trip minus the page's compute time: framing, WebSocket transfer and
 *        tensor conversion in both directions
 * @param computeMs {@code session.run} in the page, as the page's clock measured it
 * @param totalMs from submission until the result was ready
 * @param stagesMs the same time finer, in path order: {@code queue}, then the stages the page transport
 *        measured ({@link org.webaccel.api.transport.PageResult.Stages}); empty when not measured
 */
public record Timings(double queuedMs, double loadMs, double transferMs, double computeMs, double totalMs,
        Map<String, Double> stagesMs) {

    /** The stage from submission until a worker took the request. */
    public static final String QUEUE = "queue";

    /** Timings without the finer stages. */
    public Timings(double queuedMs, double loadMs, double transferMs, double computeMs, double totalMs) {
        this(queuedMs, loadMs, transferMs, computeMs, totalMs, Map.of());
    }

    /** Copies the stages, keeping their order. */
    public Timings {
        stagesMs = Collections.unmodifiableMap(new LinkedHashMap<>(stagesMs));
    }
}
