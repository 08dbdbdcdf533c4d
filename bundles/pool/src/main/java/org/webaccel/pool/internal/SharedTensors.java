package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 * The {@link TensorSharing} service: the pool's book of the tensors its pages keep. The pages hold the bytes;
 * this class holds their metadata, reference counts and pins, enforces each page's budget by evicting the least
 * recently used unreferenced, unpinned tensors, and remembers why a tensor went away so that a request naming
 * it gets a useful error.
 */
@Component(service = TensorSharing.class, configurationPid = "org.webaccel.pool")
public final class SharedTensors implements TensorSharing {
    private static final Logger LOG = System.getLogger(SharedTensors.class.getName());
    /** How many gone ids are remembered with their reason; older ones are reported as unknown. */
    private static final int GONE_REMEMBERED = 4096;

    private static final class Entry {
        final String id;
        final String worker;
        final String model;
        final KeptTensor kept;
        int owners = 1;
        int inFlight;
        boolean pinned;
        long lastUsedNanos = System.nanoTime();
        long lastUsedMillis = System.currentTimeMillis();

        Entry(String id, String worker, String model, KeptTensor kept) {
            this.id = id;
            this.worker = worker;
            this.model = model;
            this.kept = kept;
        }

        void touch() {
            lastUsedNanos = System.nanoTime();
            lastUsedMillis = System.currentTimeMillis();
        }

        boolean evictable() {
            return owners == 0 && inFlight == 0 && !pinned;
        }

        SharedTensor snapshot() {
            return new SharedTensor(id, worker, model, kept.output(), kept.dtype(), kept.shape(), kept.byteSize(),
                    kept.location(), owners + inFlight, pinned, lastUsedMillis);
        }
    }

    private final SharedRuns pool;
    private final AtomicLong ids = new AtomicLong();
    /** Guarded by this: by id, in the order they were kept. */
    private final Map<String, Entry> tensors = new LinkedHashMap<>();
    /** Guarded by this: the channel of every page that holds tensors. */
    private final Map<String, WorkerChannel> channels = new HashMap<>();
    /** Guarded by this: why recent tensors went away. */
    private final Map<String, String> gone = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > GONE_REMEMBERED;
        }
    };
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
            for (String worker : List.copyOf(channels.keySet())) {
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
        CompletableFuture<SharedInference> out = new CompletableFuture<>();
        pool.run(model, inputs, options, resolved, keepIds).whenComplete((ran, error) -> {
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

    /** Resolves the references and counts the request as one more holder of each, all or none. */
    private synchronized Map<String, SharedTensor> acquire(Map<String, String> references) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, String> ref : references.entrySet()) {
            Entry e = entry(ref.getValue(), "input '" + ref.getKey() + "' references ");
            Entry other = entries.values().stream().filter(o -> !o.worker.equals(e.worker)).findFirst().orElse(null);
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
            Entry e = tensors.get(t.id());
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
                newIds.forEach(id -> gone.put(id, "worker " + worker + " closed as it returned the result"));
                throw new TensorGoneException(newIds.get(0), "worker " + worker + " closed before its kept outputs "
                        + newIds + " could be booked; compute them again");
            }
            if (channels.putIfAbsent(worker, channel) == null) {
                channel.onClose(reason -> pageClosed(worker, reason));
            }
            Map<String, SharedTensor> kept = new LinkedHashMap<>();
            long added = 0;
            for (KeptTensor k : keptNow) {
                Entry e = new Entry(k.id(), worker, result.model(), k);
                tensors.put(k.id(), e);
                kept.put(k.output(), e.snapshot());
                added += k.byteSize();
            }
            long over = evict(worker, 0, "room for " + newIds);
            if (over > 0) {
                long held = bytesOn(worker) - added;
                newIds.forEach(tensors::remove);
                newIds.forEach(id -> gone.put(id, "refused: worker " + worker + "'s shared tensor budget was full"));
                channel.releaseTensors(newIds);
                throw new RejectedException("keeping " + keptNow.stream().map(KeptTensor::output).toList() + " of "
                        + result.model() + " (" + added + " bytes) on worker " + worker + " would exceed its budget of "
                        + budget + " bytes: its other " + held + " bytes of shared tensors are referenced or pinned; "
                        + "release or unpin some (pool:tensors lists them), or raise sharedTensorBudgetBytes");
            }
            return new SharedInference(result, kept);
        }
    }

    /**
     * Evicts the worker's least recently used evictable tensors until it holds at most its budget minus
     * {@code room}.
     *
     * @return the bytes still over the budget when nothing more can be evicted (0 when it fits)
     */
    private long evict(String worker, long room, String why) {
        long limit = budget - room;
        long used = bytesOn(worker);
        if (used <= limit) {
            return 0;
        }
        List<Entry> candidates = new ArrayList<>();
        for (Entry e : tensors.values()) {
            if (e.worker.equals(worker) && e.evictable()) {
                candidates.add(e);
            }
        }
        candidates.sort((a, b) -> Long.compare(a.lastUsedNanos, b.lastUsedNanos));
        List<String> evicted = new ArrayList<>();
        String at = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        for (Entry e : candidates) {
            if (used <= limit) {
                break;
            }
            tensors.remove(e.id);
            gone.put(e.id, "evicted from worker " + worker + " at " + at + " to make " + why + " (least recently "
                    + "used, unreferenced, unpinned; budget " + budget + " bytes per page)");
            used -= e.kept.byteSize();
            evicted.add(e.id);
        }
        if (!evicted.isEmpty()) {
            LOG.log(Level.INFO, "evicted shared tensors " + evicted + " from worker " + worker + " for " + why);
            WorkerChannel c = channels.get(worker);
            if (c != null) {
                c.releaseTensors(evicted);
            }
        }
        return Math.max(0, used - limit);
    }

    private long bytesOn(String worker) {
        long used = 0;
        for (Entry e : tensors.values()) {
            if (e.worker.equals(worker)) {
                used += e.kept.byteSize();
            }
        }
        return used;
    }

    private synchronized void pageClosed(String worker, String reason) {
        channels.remove(worker);
        List<String> lost = new ArrayList<>();
        tensors.values().removeIf(e -> {
            if (e.worker.equals(worker)) {
                gone.put(e.id, "worker " + worker + " that held it closed (" + reason + ")");
                lost.add(e.id);
                return true;
            }
            return false;
        });
        if (!lost.isEmpty()) {
            LOG.log(Level.INFO, "shared tensors " + lost + " lost with worker " + worker + ": " + reason);
        }
    }

    private Entry entry(String id, String context) {
        Entry e = id == null ? null : tensors.get(id);
        if (e == null) {
            String why = id == null ? null : gone.get(id);
            throw new TensorGoneException(id, context + "shared tensor " + id + ", which is gone: "
                    + (why == null ? "no page holds it (unknown id)" : why));
        }
        return e;
    }

    @Override
    public synchronized List<SharedTensor> tensors() {
        return tensors.values().stream().map(Entry::snapshot).toList();
    }

    @Override
    public synchronized Optional<SharedTensor> find(String id) {
        return Optional.ofNullable(tensors.get(id)).map(Entry::snapshot);
    }

    @Override
    public synchronized SharedTensor retain(String id) {
        Entry e = entry(id, "cannot retain ");
        e.owners++;
        return e.snapshot();
    }

    @Override
    public synchronized SharedTensor release(String id) {
        Entry e = entry(id, "cannot release ");
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
        Entry e = entry(id, pinned ? "cannot pin " : "cannot unpin ");
        e.pinned = pinned;
        SharedTensor after = e.snapshot();
        if (!pinned) {
            evict(e.worker, 0, "the budget of " + budget + " bytes per page");
        }
        return after;
    }

    @Override
    public synchronized void delete(String id) {
        Entry e = entry(id, "cannot delete ");
        if (e.inFlight > 0) {
            throw new IllegalStateException("shared tensor " + id + " is referenced by " + e.inFlight
                    + " request(s) that have not ended yet");
        }
        tensors.remove(id);
        gone.put(id, "deleted");
        WorkerChannel c = channels.get(e.worker);
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
        Map<String, Long> used = new TreeMap<>();
        for (Entry e : tensors.values()) {
            used.merge(e.worker, e.kept.byteSize(), Long::sum);
        }
        return used;
    }

    /** @return the element type and shape as text, e.g. {@code float32[1, 16, 128]} */
    static String describe(DType dtype, long[] shape) {
        return dtype.wireName() + java.util.Arrays.toString(shape);
    }
}
