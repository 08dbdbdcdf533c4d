package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensors.SharedTensor;
import org.webaccel.api.transport.WorkerChannel;

/**
 * Moves a request's shared tensors to whichever page runs it: reads them from the page that holds them (one
 * binary frame, page to pool) and hands them to the run as inputs sent as bytes, which the running page keeps
 * under their ids (pool to page). Counts what it moved.
 */
final class TensorMoves {
    private static final Logger LOG = System.getLogger(TensorMoves.class.getName());

    private final AtomicLong tensors = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    /**
     * @param holder the channel of the page that holds the tensors, or null when it is gone
     * @param references the request's shared inputs: input name to tensor, all on {@code holder}'s page
     * @param moved runs the request with the moved tensors as inputs (input name to tensor) and the inputs the
     *        running page is to keep (input name to tensor id)
     * @param inPlace runs the request on the holding page, when the tensors cannot be read: its own errors then
     *        say why (a page that is gone, a tensor it does not hold)
     * @return how the run ends
     */
    CompletableFuture<Ran> moveAndRun(WorkerChannel holder, Map<String, SharedTensor> references,
            BiFunction<Map<String, Tensor>, Map<String, String>, CompletableFuture<Ran>> moved,
            Supplier<CompletableFuture<Ran>> inPlace) {
        if (holder == null) {
            return inPlace.get();
        }
        List<String> ids = references.values().stream().map(SharedTensor::id).toList();
        return holder.fetchTensors(ids).toCompletableFuture().handle((read, error) -> {
            if (error != null || !read.keySet().containsAll(ids)) {
                LOG.log(Level.INFO, "shared tensors " + ids + " could not be read from worker " + holder.workerId()
                        + " to move them; the request runs there: " + (error != null ? error : "some are missing"));
                return inPlace.get();
            }
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            Map<String, String> adopt = new LinkedHashMap<>();
            references.forEach((input, t) -> {
                Tensor value = read.get(t.id());
                inputs.put(input, value);
                adopt.put(input, t.id());
                bytes.addAndGet(value.byteSize());
                tensors.incrementAndGet();
            });
            return moved.apply(inputs, adopt);
        }).thenCompose(run -> run);
    }

    /** @return tensors read from one page to be sent to another */
    long tensors() {
        return tensors.get();
    }

    /** @return their bytes */
    long bytes() {
        return bytes.get();
    }
}
