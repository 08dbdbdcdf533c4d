package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.webaccel.api.tensors.TensorGoneException;
import org.webaccel.api.transport.WorkerChannel;

/**
 * The book {@link SharedTensors} keeps: every shared tensor by id, the channel of every page that holds some,
 * and why recent tensors went away. Not thread-safe: used under the {@link SharedTensors}' lock.
 */
final class TensorBook {
    private static final Logger LOG = System.getLogger(TensorBook.class.getName());
    /** How many gone ids are remembered with their reason; older ones are reported as unknown. */
    private static final int GONE_REMEMBERED = 4096;

    /** By id, in the order they were kept. */
    final Map<String, SharedEntry> tensors = new LinkedHashMap<>();
    /** The channel of every page that holds tensors. */
    final Map<String, WorkerChannel> channels = new HashMap<>();
    /** Why recent tensors went away. */
    private final Map<String, String> gone = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > GONE_REMEMBERED;
        }
    };

    /** Remembers why a tensor is gone, for the error of a request that names it later. */
    void gone(String id, String why) {
        gone.put(id, why);
    }

    /**
     * Evicts the worker's least recently used evictable tensors until it holds at most its budget minus
     * {@code room}; tells the page to free them.
     *
     * @return the bytes still over the budget when nothing more can be evicted (0 when it fits)
     */
    long evict(String worker, long room, long budget, String why) {
        long limit = budget - room;
        long used = bytesOn(worker);
        if (used <= limit) {
            return 0;
        }
        List<SharedEntry> candidates = new ArrayList<>();
        for (SharedEntry e : tensors.values()) {
            if (e.worker.equals(worker) && e.evictable()) {
                candidates.add(e);
            }
        }
        candidates.sort((a, b) -> Long.compare(a.lastUsedNanos, b.lastUsedNanos));
        List<String> evicted = new ArrayList<>();
        String at = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        for (SharedEntry e : candidates) {
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

    long bytesOn(String worker) {
        long used = 0;
        for (SharedEntry e : tensors.values()) {
            if (e.worker.equals(worker)) {
                used += e.kept.byteSize();
            }
        }
        return used;
    }

    /** The page closed: its tensors are gone with it. */
    void pageClosed(String worker, String reason) {
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

    /**
     * @param context how the message begins, e.g. {@code "cannot pin "}
     * @return the tensor's entry
     * @throws TensorGoneException saying why it went, when it is remembered
     */
    SharedEntry entry(String id, String context) {
        SharedEntry e = id == null ? null : tensors.get(id);
        if (e == null) {
            String why = id == null ? null : gone.get(id);
            throw new TensorGoneException(id, context + "shared tensor " + id + ", which is gone: "
                    + (why == null ? "no page holds it (unknown id)" : why));
        }
        return e;
    }

    /** @return bytes of shared tensors held, by worker id */
    Map<String, Long> bytesByWorker() {
        Map<String, Long> used = new TreeMap<>();
        for (SharedEntry e : tensors.values()) {
            used.merge(e.worker, e.kept.byteSize(), Long::sum);
        }
        return used;
    }
}
