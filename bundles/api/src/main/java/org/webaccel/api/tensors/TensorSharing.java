package org.webaccel.api.tensors;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.RejectedException;
import org.webaccel.api.tensor.Tensor;

/**
 * Keeps model outputs in the page that computed them, so that later requests of other models read them there
 * instead of shipping their bytes to Java and back (e.g. one embedding model feeding two heads).
 *
 * <p>Life of a shared tensor: a request that keeps an output creates it with one reference, owned by the
 * caller; {@link #retain} adds references and {@link #release} drops them. A request that references it holds
 * one more reference from submission until it ends, so it is never evicted under a queued or running request.
 * A tensor without references stays in its page until the page's budget needs its room: then the least
 * recently used unreferenced, unpinned tensors of that page are evicted. {@link #pin} exempts a tensor from
 * eviction; {@link #delete} frees it at once.
 *
 * <p>Placement: a request that references shared tensors runs on the page that holds them, waiting for it when
 * it is busy, unless that page cannot or should not run it: it is draining, its backend is not one the request
 * requires (or prefers, when a page of the preferred one is in service), or it lacks the execution provider the
 * request asks for. Then the pool moves them: it reads them from their page (one binary frame, page to pool) and
 * sends them with the request to whichever page runs it (pool to page), which keeps them under their ids; the
 * first page frees them. A tensor other requests still reference stays where it is (the request gets a copy), and
 * moved tensors live in the page's memory ({@code cpu}) even if they were in a GPU buffer. Referencing tensors
 * of two pages, or a tensor that is gone, fails at once with a specific error and nothing is queued.
 */
@ProviderType
public interface TensorSharing {

    /**
     * Runs an inference whose inputs may be shared tensors and whose outputs may stay in the page.
     *
     * @param model {@code name} or {@code name:version}
     * @param inputs the inputs sent as bytes, by input name
     * @param references the inputs read from shared tensors: input name to tensor id
     * @param keep output names to keep in the page instead of sending back
     * @param options execution provider, deadline, priority
     * @return completes with the result and the kept tensors' handles; fails with {@link TensorGoneException}
     *         when a referenced tensor is gone, {@link org.webaccel.api.InvalidInputException} for inputs or
     *         output names the model does not have, {@link RejectedException} when the page's budget cannot take
     *         the kept outputs because its tensors are referenced or pinned (the outputs are then freed), and
     *         otherwise as {@link org.webaccel.api.ResourcePool#infer}
     */
    CompletionStage<SharedInference> infer(String model, Map<String, Tensor> inputs, Map<String, String> references,
            Set<String> keep, InferenceOptions options);

    /** @return every shared tensor now, oldest first */
    List<SharedTensor> tensors();

    /**
     * @param id a tensor id
     * @return the tensor, when a page holds it
     */
    Optional<SharedTensor> find(String id);

    /**
     * Adds a reference.
     *
     * @param id a tensor id
     * @return the tensor after the change
     * @throws TensorGoneException when no page holds it
     */
    SharedTensor retain(String id);

    /**
     * Drops a reference; the tensor stays in its page, evictable once it has none left and is not pinned.
     *
     * @param id a tensor id
     * @return the tensor after the change
     * @throws TensorGoneException when no page holds it
     * @throws IllegalStateException when it has no reference to drop
     */
    SharedTensor release(String id);

    /**
     * Pins or unpins a tensor: a pinned tensor is never evicted.
     *
     * @param id a tensor id
     * @param pinned the new state
     * @return the tensor after the change
     * @throws TensorGoneException when no page holds it
     */
    SharedTensor pin(String id, boolean pinned);

    /**
     * Frees a tensor in its page now.
     *
     * @param id a tensor id
     * @throws TensorGoneException when no page holds it
     * @throws IllegalStateException when a request that references it has not ended yet
     */
    void delete(String id);

    /** @return the bytes of shared tensors each page may hold */
    long budgetBytesPerPage();

    /** @return bytes of shared tensors held, by worker id */
    Map<String, Long> bytesByWorker();

    /** @return how many tensors the pool has read from one page to send to another (moved or copied) */
    default long tensorsMoved() {
        return 0;
    }

    /** @return the bytes of those tensors, each counted once for its way from page to pool to page */
    default long bytesMoved() {
        return 0;
    }
}
