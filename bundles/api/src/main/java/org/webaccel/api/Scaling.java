package org.webaccel.api;

import java.util.List;
import java.util.Map;

/**
 * The adaptive scaling controller's bounds, state and recent decisions.
 *
 * @param minWorkers workers each available backend keeps open
 * @param maxWorkers most workers per backend the controller may open; when not above {@code minWorkers} the
 *        controller is off
 * @param targetQueueWaitMillis queue wait above which the controller adds a worker
 * @param memoryBudgetBytes browsers' total resident memory above which no worker is added; 0 for none
 * @param memoryUsedBytes the browsers' resident memory now
 * @param oldestQueuedMillis how long the oldest queued request has waited, 0 when none waits
 * @param targets the worker count the controller aims at, by backend
 * @param decisions the recent decisions with their reasons, oldest first
 */
public record Scaling(int minWorkers, int maxWorkers, long targetQueueWaitMillis, long memoryBudgetBytes,
        long memoryUsedBytes, long oldestQueuedMillis, Map<String, Integer> targets, List<String> decisions) {

    /** Copies the collections. */
    public Scaling {
        targets = Map.copyOf(targets);
        decisions = List.copyOf(decisions);
    }
}
