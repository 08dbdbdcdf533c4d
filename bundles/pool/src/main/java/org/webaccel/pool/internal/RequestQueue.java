package org.webaccel.pool.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Set;

/**
 * The requests waiting for a worker, and the rules of who goes next.
 *
 * <ul>
 * <li>Admission: a request is queued only while the queue has room and its model has fewer waiting requests
 * than the model's queue limit; otherwise it is refused with the reason.</li>
 * <li>Order: higher priority first. Within a priority, models take turns in proportion to their weights
 * (start-time fair queuing: each start of a model advances its tag by 1 / weight, a model that was idle
 * starts from the current tag, the smallest tag goes next), each model's requests in arrival order. A retry
 * goes ahead of the requests of its priority, as it has waited longer.</li>
 * <li>Limits: a model at its concurrency limit (runs in progress; a batch counts once) is passed over.</li>
 * </ul>
 *
 * Not thread-safe: the dispatcher uses it under its lock.
 */
final class RequestQueue {
    private final LinkedList<Ticket> waiting = new LinkedList<>();
    private final Map<String, Integer> waitingByModel = new HashMap<>();
    private final Map<String, Integer> running = new HashMap<>();
    private final Map<String, Double> startTags = new HashMap<>();
    private double virtualTime;
    private ModelSettings settings = ModelSettings.NONE;

    /** Takes new per-model limits and weights; they apply from the next choice. */
    void settings(ModelSettings s) {
        this.settings = s;
    }

    ModelSettings settings() {
        return settings;
    }

    /**
     * Queues a new request if it may wait.
     *
     * @param capacity the queue's bound
     * @return null when queued, else why not (the message of the rejection)
     */
    String admit(Ticket t, int capacity) {
        if (waiting.size() >= capacity) {
            return "queue full: " + waiting.size() + " requests are waiting (capacity " + capacity + "); retry later";
        }
        String model = t.request.model.name();
        int limit = settings.queueLimit(model);
        int n = waitingByModel.getOrDefault(model, 0);
        if (n >= limit) {
            return "queue full for model " + model + ": " + n + " of its requests are waiting (limit " + limit
                    + "); retry later";
        }
        insert(t, false);
        return null;
    }

    /** Queues a request again for another run, ahead of those of its priority; no admission. */
    void requeue(Ticket t) {
        insert(t, true);
    }

    private void insert(Ticket t, boolean retry) {
        int p = t.request.options.priority();
        ListIterator<Ticket> it = waiting.listIterator(waiting.size());
        while (it.hasPrevious()) {
            int q = it.previous().request.options.priority();
            if (q > p || (q == p && !retry)) {
                it.next();
                break;
            }
        }
        it.add(t);
        t.queued = true;
        waitingByModel.merge(t.request.model.name(), 1, Integer::sum);
    }

    /** @return whether the request was waiting (and is not any more) */
    boolean remove(Ticket t) {
        if (!t.queued) {
            return false;
        }
        waiting.remove(t);
        forget(t);
        return true;
    }

    private void forget(Ticket t) {
        t.queued = false;
        waitingByModel.merge(t.request.model.name(), -1, Integer::sum);
    }

    /**
     * The next request to place, left in the queue: the highest priority waiting; within it, the model with the
     * smallest start tag, its first request. Passed over: requests whose {@link Ticket#blockKey()} is in
     * {@code blocked} (they found no worker this round) and models at their concurrency limit.
     */
    Ticket next(Set<String> blocked) {
        Ticket best = null;
        double bestTag = Double.MAX_VALUE;
        Set<String> seen = new HashSet<>();
        for (Ticket t : waiting) {
            if (best != null && t.request.options.priority() < best.request.options.priority()) {
                break;
            }
            String model = t.request.model.name();
            if (blocked.contains(t.blockKey()) || running.getOrDefault(model, 0) >= settings.concurrency(model)
                    || !seen.add(model + "@" + t.route.ep())) {
                continue;
            }
            double tag = Math.max(virtualTime, startTags.getOrDefault(model, 0.0));
            if (best == null || tag < bestTag) {
                best = t;
                bestTag = tag;
            }
        }
        return best;
    }

    /**
     * The requests start one run together: they leave the queue, each advances its model's tag, and the run
     * counts once against the model's concurrency.
     */
    void started(List<Ticket> members) {
        for (Ticket t : members) {
            if (t.queued) {
                waiting.remove(t);
                forget(t);
            }
            String model = t.request.model.name();
            double start = Math.max(virtualTime, startTags.getOrDefault(model, 0.0));
            startTags.put(model, start + 1 / settings.weight(model));
            virtualTime = start;
        }
        running.merge(members.get(0).request.model.name(), 1, Integer::sum);
    }

    /** A run of the model ended (result, error or lost worker). */
    void runEnded(String model) {
        running.merge(model, -1, Integer::sum);
    }

    /** @return runs of the model in progress */
    int running(String model) {
        return running.getOrDefault(model, 0);
    }

    int size() {
        return waiting.size();
    }

    /** @return the requests waiting, in queue order (for the batcher; do not change it while iterating) */
    List<Ticket> waiting() {
        return waiting;
    }

    /** @return how long the oldest waiting request has waited, in nanoseconds; 0 when none waits */
    long oldestWaitNanos(long now) {
        long oldest = 0;
        for (Ticket t : waiting) {
            oldest = Math.max(oldest, now - t.request.submittedNanos);
        }
        return oldest;
    }

    /** Empties the queue. */
    List<Ticket> clear() {
        List<Ticket> all = new ArrayList<>(waiting);
        waiting.clear();
        all.forEach(this::forget);
        return all;
    }
}
