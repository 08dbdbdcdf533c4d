package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.RejectedException;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensors.SharedInference;
import org.webaccel.api.tensors.SharedTensor;
import org.webaccel.api.tensors.TensorGoneException;
import org.webaccel.api.tensors.TensorSharing;
import org.webaccel.api.transport.KeptTensor;
import org.webaccel.api.transport.WorkerChannel;

/**
 * The {@link TensorSharing} service: the pool's book of the tensors its pages keep ({@link TensorBook}). The
 * pages hold the bytes; this class holds their metadata, reference counts and pins, enforces each page's budget
 * by evicting the least recently used unreferenced, unpinned tensors, moves tensors to the page a request must
 * run on ({@link TensorMoves}), and remembers why a tensor went away so that a request naming it gets a useful
 * error.
 */
@Component(service = TensorSharing.class, configurationPid = "org.webaccel.pool")
public final class SharedTensors implements TensorSharing {
    private static final Logger LOG = System.getLogger(SharedTensors.class.getName());

    private final SharedRuns pool;
    private final TensorMoves moves = new TensorMoves();
    private final AtomicLong ids = new AtomicLong();
    /** Guarded by this. */
    private final TensorBook book = new TensorBook();
    private volatile long budget;

    /**
     * @param config the pool's configuration, for the budget of each page
     * @param pool the pool, which runs the requests
     */
    @Activate
    public SharedTensors(PoolConfig config, @Reference SharedRuns pool) {
        this.pool = pool;
        budget(config.sharedTensorBudgetBytes());
    }

    @Modified
    void modified(PoolConfig config) {
        try {
            budget(config.sharedTensorBudgetBytes());
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "shared tensor budget not applied, the previous one stays: " + e.getMessage());
        }
    }

    /** Applies a new budget, evicting at once where pages hold more than it allows. */
    void budget(long bytesPerPage) {
        if (bytesPerPage < 0) {
            throw new IllegalArgumentException("sharedTensorBudgetBytes must be at least 0, got " + bytesPerPage);
        }
        budget = bytesPerPage;
        synchronized (this) {
            for (String worker : List.copyOf(book.channels.keySet())) {
                evict(worker, 0, "the budget of " + bytesPerPage + " bytes per page");
            }
        }
    }

    @Override
    public CompletionStage<SharedInference> infer(String model, Map<String, Tensor> inputs,
            Map<String, String> references, Set<String> keep, InferenceOptions options) {
        Objects.requireNonNull(references, "references");
        Objects.requireNonNull(keep, "keep");
        Map<String, SharedTensor> resolved;
        try {
            resolved = acquire(references);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Map<String, String> keepIds = new LinkedHashMap<>();
        for (String name : keep) {
            keepIds.put(name, "t" + ids.incrementAndGet());
        }
        String holder = resolved.isEmpty() ? null : resolved.values().iterator().next().worker();
        boolean move = holder != null && pool.preferElsewhere(holder, options);
        CompletableFuture<Ran> run = move ? moves.moveAndRun(channel(holder), resolved,
                (moved, adopt) -> pool.run(model, with(inputs, moved), options, Map.of(), keepIds, adopt),
                () -> pool.run(model, inputs, options, resolved, keepIds, Map.of()))
                : pool.run(model, inputs, options, resolved, keepIds, Map.of());
        CompletableFuture<SharedInference> out = new CompletableFuture<>();
        run.whenComplete((ran, error) -> {
            if (ran != null && !ran.result().worker().equals(holder) && move) {
                relocate(ran, resolved.values());
            }
            unreference(resolved.values());
            if (error != null) {
                out.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
                return;
            }
            try {
                out.complete(register(ran));
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    private static Map<String, Tensor> with(Map<String, Tensor> inputs, Map<String, Tensor> more) {
        Map<String, Tensor> all = new LinkedHashMap<>(inputs);
        all.putAll(more);
        return all;
    }

    private synchronized WorkerChannel channel(String worker) {
        return book.channels.get(worker);
    }

    private synchronized void pageClosed(String worker, String reason) {
        book.pageClosed(worker, reason);
    }

    private long evict(String worker, long room, String why) {
        return book.evict(worker, room, budget, why);
    }

    /**
     * A request ran on another page than the one holding its moved tensors, and that page kept them: they live
     * there from now on, and the first page frees them. Not when another request still reads a tensor where it
     * is, or the new page's budget cannot take it: then the new page frees its copy and the tensor stays.
     */
    private synchronized void relocate(Ran ran, Collection<SharedTensor> moved) {
        String to = ran.result().worker();
        WorkerChannel target = ran.keptOn();
        if (target == null || !target.isOpen()) {
            return;
        }
        for (SharedTensor t : moved) {
            SharedEntry e = book.tensors.get(t.id());
            if (e == null || e.inFlight > 1) {
                target.releaseTensors(List.of(t.id()));
                continue;
            }
            String from = e.worker;
            KeptTensor before = e.kept;
            if (book.channels.putIfAbsent(to, target) == null) {
                target.onClose(reason -> pageClosed(to, reason));
            }
            e.worker = to;
            e.kept = new KeptTensor(before.output(), before.id(), before.dtype(), before.shape(), before.byteSize(),
                    "cpu");
            if (evict(to, 0, "room for " + t.id() + " moved from worker " + from) > 0) {
                e.worker = from;
                e.kept = before;
                target.releaseTensors(List.of(t.id()));
                continue;
            }
            WorkerChannel source = book.channels.get(from);
            if (source != null) {
                source.releaseTensors(List.of(t.id()));
            }
            LOG.log(Level.DEBUG, "shared tensor " + t.id() + " moved from worker " + from + " to " + to);
        }
    }

    /** Resolves the references and counts the request as one more holder of each, all or none. */
    private synchronized Map<String, SharedTensor> acquire(Map<String, String> references) {
        Map<String, SharedEntry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, String> ref : references.entrySet()) {
            SharedEntry e = book.entry(ref.getValue(), "input '" + ref.getKey() + "' references ");
            SharedEntry other = entries.values().stream().filter(o -> !o.worker.equals(e.worker)).findFirst().orElse(null);
            if (other != null) {
                throw new InvalidInputException("a request runs on one page, but its shared tensors are on two: "
                        + other.id + " on " + other.worker + " and " + e.id + " on " + e.worker
                        + "; send one of them as bytes");
            }
            entries.put(ref.getKey(), e);
        }
        Map<String, SharedTensor> resolved = new LinkedHashMap<>();
        entries.forEach((input, e) -> {
            e.inFlight++;
            e.touch();
            resolved.put(input, e.snapshot());
        });
        return resolved;
    }

    private synchronized void unreference(Collection<SharedTensor> referenced) {
        for (SharedTensor t : referenced) {
            SharedEntry e = book.tensors.get(t.id());
            if (e != null) {
                e.inFlight--;
                e.touch();
            }
        }
    }

    /** Books what a successful request kept, within its page's budget. */
    private SharedInference register(Ran r) {
        InferenceResult result = r.result();
        List<KeptTensor> keptNow = r.kept();
        WorkerChannel channel = r.keptOn();
        if (keptNow.isEmpty()) {
            return new SharedInference(result, Map.of());
        }
        String worker = result.worker();
        List<String> newIds = keptNow.stream().map(KeptTensor::id).toList();
        synchronized (this) {
            if (channel == null || !channel.isOpen()) {
                newIds.forEach(id -> book.gone(id, "worker " + worker + " closed as it returned the result"));
                throw new TensorGoneException(newIds.get(0), "worker " + worker + " closed before its kept outputs "
                        + newIds + " could be booked; compute them again");
            }
            if (book.channels.putIfAbsent(worker, channel) == null) {
                channel.onClose(reason -> pageClosed(worker, reason));
            }
            Map<String, SharedTensor> kept = new LinkedHashMap<>();
            long added = 0;
            for (KeptTensor k : keptNow) {
                SharedEntry e = new SharedEntry(k.id(), worker, result.model(), k);
                book.tensors.put(k.id(), e);
                kept.put(k.output(), e.snapshot());
                added += k.byteSize();
            }
            long over = evict(worker, 0, "room for " + newIds);
            if (over > 0) {
                long held = book.bytesOn(worker) - added;
                newIds.forEach(book.tensors::remove);
                newIds.forEach(id -> book.gone(id, "refused: worker " + worker + "'s shared tensor budget was full"));
                channel.releaseTensors(newIds);
                throw new RejectedException("keeping " + keptNow.stream().map(KeptTensor::output).toList() + " of "
                        + result.model() + " (" + added + " bytes) on worker " + worker + " would exceed its budget of "
                        + budget + " bytes: its other " + held + " bytes of shared tensors are referenced or pinned; "
                        + "release or unpin some (pool:tensors lists them), or raise sharedTensorBudgetBytes");
            }
            return new SharedInference(result, kept);
        }
    }

    @Override
    public synchronized List<SharedTensor> tensors() {
        return book.tensors.values().stream().map(SharedEntry::snapshot).toList();
    }

    @Override
    public synchronized Optional<SharedTensor> find(String id) {
        return Optional.ofNullable(book.tensors.get(id)).map(SharedEntry::snapshot);
    }

    @Override
    public synchronized SharedTensor retain(String id) {
        SharedEntry e = book.entry(id, "cannot retain ");
        e.owners++;
        return e.snapshot();
    }

    @Override
    public synchronized SharedTensor release(String id) {
        SharedEntry e = book.entry(id, "cannot release ");
        if (e.owners == 0) {
            throw new IllegalStateException("shared tensor " + id + " has no reference left to release");
        }
        e.owners--;
        SharedTensor after = e.snapshot();
        // Evictable now: a budget already exceeded (lowered meanwhile) is restored at once.
        evict(e.worker, 0, "the budget of " + budget + " bytes per page");
        return after;
    }

    @Override
    public synchronized SharedTensor pin(String id, boolean pinned) {
        SharedEntry e = book.entry(id, pinned ? "cannot pin " : "cannot unpin ");
        e.pinned = pinned;
        SharedTensor after = e.snapshot();
        if (!pinned) {
            evict(e.worker, 0, "the budget of " + budget + " bytes per page");
        }
        return after;
    }

    @Override
    public synchronized void delete(String id) {
        SharedEntry e = book.entry(id, "cannot delete ");
        if (e.inFlight > 0) {
            throw new IllegalStateException("shared tensor " + id + " is referenced by " + e.inFlight
                    + " request(s) that have not ended yet");
        }
        book.tensors.remove(id);
        book.gone(id, "deleted");
        WorkerChannel c = book.channels.get(e.worker);
        if (c != null) {
            c.releaseTensors(List.of(id));
        }
    }

    @Override
    public long budgetBytesPerPage() {
        return budget;
    }

    @Override
    public synchronized Map<String, Long> bytesByWorker() {
        return book.bytesByWorker();
    }

    @Override
    public long tensorsMoved() {
        return moves.tensors();
    }

    @Override
    public long bytesMoved() {
        return moves.bytes();
    }

    /** @return the element type and shape as text, e.g. {@code float32[1, 16, 128]} */
    static String describe(DType dtype, long[] shape) {
        return dtype.wireName() + java.util.Arrays.toString(shape);
    }
}
