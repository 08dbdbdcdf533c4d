package org.webaccel.pool.internal;

import java.util.concurrent.TimeUnit;

/**
 * The worker lifecycle settings of one pool configuration, in the units the code uses.
 *
 * @param minWorkers pages each backend keeps open
 * @param maxBrowsers browsers per backend, recycling ones not counted
 * @param maxPagesPerBrowser pages per browser
 * @param recycleAfterRequests requests after which a browser is recycled, 0 never
 * @param recycleAboveRssBytes resident memory above which a browser is recycled, 0 never
 * @param recycleAfterNanos age after which a browser is recycled, 0 never
 * @param idleTimeoutNanos idle time after which a worker above the minimum is closed, 0 never
 * @param drainTimeoutNanos how long draining workers may take to finish
 * @param maxWorkers most workers per backend the scaling controller may open (not above minWorkers: off)
 * @param targetQueueWaitNanos queue wait above which the controller adds a worker
 * @param memoryBudgetBytes browsers' memory above which the controller adds none, 0 for no budget
 * @param launches how a backend whose launches fail waits and when it is out of service
 * @param sparePages warm pages each backend keeps beside its workers, entering service when a worker is lost
 */
record Lifecycle(int minWorkers, int maxBrowsers, int maxPagesPerBrowser, long recycleAfterRequests,
        long recycleAboveRssBytes, long recycleAfterNanos, long idleTimeoutNanos, long drainTimeoutNanos,
        int maxWorkers, long targetQueueWaitNanos, long memoryBudgetBytes, LaunchBackoff.Policy launches,
        int sparePages) {

    static Lifecycle of(PoolConfig c) {
        int min = Math.max(0, c.minWorkers());
        return new Lifecycle(min, Math.max(1, c.maxBrowsers()),
                Math.max(1, c.maxPagesPerBrowser()), Math.max(0, c.recycleAfterRequests()),
                Math.max(0, c.recycleAboveRssMegabytes()) * 1024 * 1024,
                TimeUnit.SECONDS.toNanos(Math.max(0, c.recycleAfterSeconds())),
                TimeUnit.SECONDS.toNanos(Math.max(0, c.idleTimeoutSeconds())),
                TimeUnit.SECONDS.toNanos(Math.max(0, c.drainTimeoutSeconds())),
                Math.max(min, Math.min(c.maxWorkers(), Math.max(1, c.maxBrowsers()) * Math.max(1,
                        c.maxPagesPerBrowser()))),
                TimeUnit.MILLISECONDS.toNanos(Math.max(1, c.targetQueueWaitMillis())),
                Math.max(0, c.memoryBudgetMegabytes()) * 1024 * 1024, LaunchBackoff.Policy.of(c),
                Math.max(0, c.sparePages()));
    }

    /** @return whether the scaling controller may add workers above the minimum */
    boolean scales() {
        return maxWorkers > minWorkers;
    }

    /** @return why this browser has served enough requests, or null */
    String requestLimitReason(BrowserHost host) {
        long served = host.served();
        return recycleAfterRequests > 0 && served >= recycleAfterRequests
                ? "served " + served + " requests (limit " + recycleAfterRequests + ")" : null;
    }

    /** @return why this browser should be recycled now, or null */
    String recycleReason(BrowserHost host, long now) {
        String byRequests = requestLimitReason(host);
        if (byRequests != null) {
            return byRequests;
        }
        // A browser that has not served yet is kept: with a limit below what a fresh browser needs, recycling
        // it would only start another that never serves either.
        if (host.served() == 0) {
            return null;
        }
        if (recycleAfterNanos > 0 && now - host.launchedNanos >= recycleAfterNanos) {
            return "older than " + TimeUnit.NANOSECONDS.toSeconds(recycleAfterNanos) + " s";
        }
        // read by the lifecycle step just before, with the browser's helpers
        long rss = host.residentBytes;
        if (recycleAboveRssBytes > 0 && rss > recycleAboveRssBytes) {
            return "resident memory " + rss / (1024 * 1024) + " MiB over the limit of "
                    + recycleAboveRssBytes / (1024 * 1024) + " MiB";
        }
        return null;
    }
}
