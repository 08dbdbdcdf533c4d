package org.webaccel.shell.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.webaccel.api.Pressure;
import org.webaccel.api.RequestMemory;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.Scaling;
import org.webaccel.gogo.GogoCommand;

/** {@code pool:pressure} and {@code pool:scale}: how loaded the pool is, and the bounds it scales within. */
@Component(service = Object.class)
@GogoCommand(scope = "pool", function = {"pressure", "scale"})
public final class CapacityCommands {
    private static final String POOL_PID = "org.webaccel.pool";
    private static final long MIB = 1024 * 1024;

    private final ResourcePool pool;
    private final ConfigurationAdmin config;

    /**
     * @param pool the pool
     * @param config where {@code pool:scale} writes new bounds
     */
    @Activate
    public CapacityCommands(@Reference ResourcePool pool, @Reference ConfigurationAdmin config) {
        this.pool = pool;
        this.config = config;
    }

    /** @return running, queued, recently rejected, capacity, CPU and memory */
    @Descriptor("show how loaded the pool is: running, queued, recently rejected, capacity, CPU and memory")
    public String pressure() {
        Pressure p = pool.pressure();
        RequestMemory requests = pool.requestMemory();
        return String.format(Locale.ROOT, "available %s%n"
                + "running   %d on %d workers (%d starting)%n"
                + "queued    %d of %d%n"
                + "rejected  %d in the last minute%n"
                + "cpu       %s%n"
                + "requests  %.1f MiB of inputs in flight and undelivered results, of a %d MiB budget%n"
                + "memory    browsers %d MiB%s; container heap %d MiB%n",
                p.available() ? "yes" : "no: " + p.reason(), p.running(), p.workers(), p.starting(), p.queued(),
                p.queueCapacity(), p.rejectedLastMinute(),
                p.cpuLoad() < 0 ? "unknown" : String.format(Locale.ROOT, "load %.2f per core", p.cpuLoad()),
                requests.heldBytes() / (double) MIB, requests.budgetBytes() / MIB, p.browserMemoryBytes() / MIB,
                p.memoryBudgetBytes() > 0 ? " of a " + p.memoryBudgetBytes() / MIB + " MiB budget" : " (no budget)",
                p.jvmHeapUsedBytes() / MIB);
    }

    /**
     * Shows the scaling bounds, targets and recent decisions; with options, sets the bounds first.
     *
     * @return the scaling state
     */
    @Descriptor("show the scaling bounds, each backend's target and recent decisions; options set the bounds")
    public String scale(
            @Descriptor("workers each backend keeps") @Parameter(names = "--min", absentValue = "-1") int min,
            @Descriptor("most workers per backend (at or below --min: scaling off)") @Parameter(names = "--max",
                    absentValue = "-1") int max,
            @Descriptor("queue wait in ms above which a worker is added") @Parameter(names = "--wait",
                    absentValue = "-1") long waitMillis,
            @Descriptor("browsers' memory budget in MiB, 0 for none") @Parameter(names = "--memory",
                    absentValue = "-1") long memoryMegabytes)
            throws IOException, InterruptedException {
        if (min != -1 || max != -1 || waitMillis != -1 || memoryMegabytes != -1) {
            set(min, max, waitMillis, memoryMegabytes);
        }
        Scaling s = pool.scaling();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "bounds    min %d, max %d workers per backend%s%n"
                        + "target    add a worker when a request waits over %d ms (oldest now: %d ms)%n"
                        + "memory    browsers %d MiB%s%n",
                s.minWorkers(), s.maxWorkers(), s.maxWorkers() > s.minWorkers() ? "" : " (scaling off)",
                s.targetQueueWaitMillis(), s.oldestQueuedMillis(), s.memoryUsedBytes() / MIB,
                s.memoryBudgetBytes() > 0 ? " of a " + s.memoryBudgetBytes() / MIB + " MiB budget" : " (no budget)"));
        s.targets().forEach((backend, t) -> out.append(String.format(Locale.ROOT, "backend   %-10s aims at %d workers%n",
                backend, t)));
        if (s.decisions().isEmpty()) {
            out.append("decisions none yet\n");
        }
        s.decisions().forEach(d -> out.append("decision  ").append(d).append('\n'));
        return out.toString();
    }

    /** Writes the given bounds into the pool's configuration and waits until the pool runs with them. */
    private void set(int min, int max, long waitMillis, long memoryMegabytes) throws IOException, InterruptedException {
        Scaling now = pool.scaling();
        int newMin = min == -1 ? now.minWorkers() : min;
        int newMax = max == -1 ? now.maxWorkers() : max;
        if (newMin < 0) {
            throw new IllegalArgumentException("--min must be 0 or more, got " + min);
        }
        if (max != -1 && max < 0) {
            throw new IllegalArgumentException("--max must be 0 or more, got " + max);
        }
        if (newMax != 0 && newMax < newMin) {
            throw new IllegalArgumentException("--max (" + newMax + ") must be at least --min (" + newMin
                    + "), or 0 to turn scaling off");
        }
        if (waitMillis != -1 && waitMillis < 1) {
            throw new IllegalArgumentException("--wait must be at least 1 ms, got " + waitMillis);
        }
        if (memoryMegabytes != -1 && memoryMegabytes < 0) {
            throw new IllegalArgumentException("--memory must be 0 (no budget) or more MiB, got " + memoryMegabytes);
        }
        Configuration c = config.getConfiguration(POOL_PID, "?");
        Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        props.put("minWorkers", newMin);
        props.put("maxWorkers", newMax);
        if (waitMillis != -1) {
            props.put("targetQueueWaitMillis", waitMillis);
        }
        if (memoryMegabytes != -1) {
            props.put("memoryBudgetMegabytes", memoryMegabytes);
        }
        c.update(props);
        // ConfigAdmin delivers asynchronously; wait (briefly) so that the answer shows the new bounds.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            Scaling s = pool.scaling();
            if (s.minWorkers() == newMin && (s.maxWorkers() == Math.max(newMin, newMax) || newMax <= newMin)
                    && (waitMillis == -1 || s.targetQueueWaitMillis() == waitMillis)) {
                return;
            }
            Thread.sleep(20);
        }
    }
}
