package org.webaccel.api.transport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.PageCapabilities;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.tensor.Tensor;

/** The WebSocket of one connected worker page. */
@ProviderType
public interface WorkerChannel {

    /** How the reason of a channel closed for missed heartbeats begins. */
    String MISSED_HEARTBEAT = "missed heartbeat";

    /** @return the pool's id for the worker */
    String workerId();

    /** @return what the page reported when it connected */
    PageCapabilities capabilities();

    /**
     * Runs a model in the page, creating its session there first if the page does not have it yet. The
     * tensors travel as one binary frame each way.
     *
     * @param model the model; the page fetches its bytes from the bridge when it needs them
     * @param ep the execution provider
     * @param inputs input tensors by name
     * @param outputs output names to return, or empty for all
     * @return completes with the outputs and the page's timings; fails with {@link PageException} when the
     *         page reported an error, or {@link ChannelClosedException} when the connection ended first
     */
    CompletionStage<PageResult> run(ModelDescriptor model, ExecutionProvider ep, Map<String, Tensor> inputs,
            List<String> outputs);

    /**
     * Runs a model like {@link #run(ModelDescriptor, ExecutionProvider, Map, List)}, where some inputs are
     * tensors the page kept earlier and some outputs stay in the page. Kept outputs are not sent back: the
     * result lists them in {@link PageResult#kept()}.
     *
     * @param references inputs read from tensors the page holds: input name to tensor id
     * @param keep outputs to keep: output name to the id to keep it under
     * @return as the plain run; fails with {@link PageException} (error name {@code SharedTensorMissing}) when
     *         the page does not hold a referenced tensor
     * @throws UnsupportedOperationException from a channel that cannot share tensors, when either map is not
     *         empty
     */
    default CompletionStage<PageResult> run(ModelDescriptor model, ExecutionProvider ep, Map<String, Tensor> inputs,
            List<String> outputs, Map<String, String> references, Map<String, String> keep) {
        if (!references.isEmpty() || !keep.isEmpty()) {
            throw new UnsupportedOperationException("worker " + workerId() + " cannot share tensors");
        }
        return run(model, ep, inputs, outputs);
    }

    /**
     * Runs a model like {@link #run(ModelDescriptor, ExecutionProvider, Map, List, Map, Map)}, and keeps some of
     * the inputs sent as bytes in the page once the run succeeds, as if the page had computed them: how the pool
     * moves a shared tensor from one page to another.
     *
     * @param adopt inputs to keep: input name to the id to keep it under
     * @throws UnsupportedOperationException from a channel that cannot share tensors, when a map is not empty
     */
    default CompletionStage<PageResult> run(ModelDescriptor model, ExecutionProvider ep, Map<String, Tensor> inputs,
            List<String> outputs, Map<String, String> references, Map<String, String> keep,
            Map<String, String> adopt) {
        if (!adopt.isEmpty()) {
            throw new UnsupportedOperationException("worker " + workerId() + " cannot share tensors");
        }
        return run(model, ep, inputs, outputs, references, keep);
    }

    /**
     * Reads tensors the page kept, without freeing them: one binary frame from the page, answered as soon as the
     * page's current run (if any) yields, not behind its queued runs.
     *
     * @param ids tensor ids
     * @return the tensors by id; fails with {@link PageException} (error name {@code SharedTensorMissing}) when
     *         the page does not hold one, or {@link ChannelClosedException}
     */
    default CompletionStage<Map<String, Tensor>> fetchTensors(java.util.Collection<String> ids) {
        return java.util.concurrent.CompletableFuture.failedFuture(new UnsupportedOperationException("worker "
                + workerId() + " cannot share tensors"));
    }

    /**
     * Frees tensors the page kept. Ids the page does not hold are ignored; nothing is sent when the socket is
     * closed.
     *
     * @param ids tensor ids
     */
    default void releaseTensors(java.util.Collection<String> ids) {
    }

    /**
     * Releases the page's sessions of a model (every provider) once the runs it holds have ended: the model
     * left the repository, or its file changed and the next run loads it anew. Nothing is sent when the socket
     * is closed.
     *
     * @param modelId {@code name:version}
     */
    default void unloadModel(String modelId) {
    }

    /** @return whether the WebSocket is open */
    boolean isOpen();

    /**
     * Registers a listener called once when the WebSocket closes, with the reason; called at once if it is
     * already closed.
     *
     * @param listener receives the reason
     */
    void onClose(Consumer<String> listener);

    /**
     * Closes the WebSocket; requests in flight fail with {@link ChannelClosedException}.
     *
     * @param reason why, for the logs and the failed requests
     */
    void close(String reason);
}
