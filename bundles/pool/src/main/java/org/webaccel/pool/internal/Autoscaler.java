package org.webaccel.pool.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The scaling controller. Once per lifecycle step: when the oldest queued request has waited past the target,
 * every backend in service below its maximum gets one more worker, unless the browsers' memory is over the
 * budget. Idle workers above the minimum are closed by each backend's step, which lowers its target with
 * them. Every decision is logged and the last 20 kept, with its reason.
 */
final class Autoscaler {
    private static final Logger LOG = System.getLogger(Autoscaler.class.getName());
    private static final int KEPT = 20;

    /** Guarded by itself. */
    private final ArrayDeque<String> decisions = new ArrayDeque<>();
    private volatile String lastRefusal;

    /**
     * @param waitedNanos how long the oldest queued request has waited
     * @param memoryBytes the browsers' resident memory
     */
    void step(Lifecycle l, long waitedNanos, long memoryBytes, Collection<BackendRuntime> backends) {
        if (!l.scales() || waitedNanos <= l.targetQueueWaitNanos()) {
            return;
        }
        String wait = TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms (target "
                + TimeUnit.NANOSECONDS.toMillis(l.targetQueueWaitNanos()) + " ms)";
        // A browser whose memory is not read yet (just launched, or still launching, so that no reading exists at
        // all) would count as 0: with a budget, wait for its reading. A running browser never uses 0 bytes.
        boolean unmeasured = backends.stream().anyMatch(BackendRuntime::memoryUnmeasured) || memoryBytes == 0;
        if (l.memoryBudgetBytes() > 0 && (unmeasured || memoryBytes >= l.memoryBudgetBytes())) {
            String why = "not scaling up although the oldest request waited " + wait + ": " + (unmeasured
                    ? "a browser's memory is not measured yet, against the " : "browsers use "
                            + memoryBytes / (1024 * 1024) + " MiB of the ") + l.memoryBudgetBytes() / (1024 * 1024)
                    + " MiB budget";
            if (!why.equals(lastRefusal)) {
                lastRefusal = why;
                decision(why);
            }
            return;
        }
        for (BackendRuntime b : backends) {
            int t = b.scaleUp(l);
            if (t > 0) {
                decision("scaled " + b.name() + " up to " + t + " workers: the oldest request waited " + wait
                        + "; browsers use " + memoryBytes / (1024 * 1024) + " MiB");
            }
        }
    }

    /** Records a decision with its reason: logged, and kept for {@code pool:scale}. */
    void decision(String text) {
        LOG.log(Level.INFO, text);
        synchronized (decisions) {
            decisions.addLast(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + text);
            while (decisions.size() > KEPT) {
                decisions.removeFirst();
            }
        }
    }

    /** @return the recent decisions, oldest first */
    List<String> decisions() {
        synchronized (decisions) {
            return List.copyOf(decisions);
        }
    }
}
