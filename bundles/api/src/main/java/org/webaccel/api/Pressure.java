package org.webaccel.api;

import java.time.Instant;

/**
 * How loaded the pool is now, for callers deciding whether to send more work.
 *
 * @param time when this was read
 * @param available whether a request sent now would be accepted (queue not full, pool running, workers or
 *        starting workers present)
 * @param reason why not, or {@code ""} when available
 * @param running requests running in pages now
 * @param queued requests waiting for a worker
 * @param queueCapacity the bound of the queue
 * @param rejectedLastMinute requests refused at submission in the last 60 seconds
 * @param workers connected workers
 * @param starting workers still starting
 * @param cpuLoad the machine's load average over the last minute divided by its cores, or -1 when unknown
 * @param browserMemoryBytes resident memory of the pool's local browsers, summed
 * @param memoryBudgetBytes the pool's memory budget for browsers, or 0 for none
 * @param jvmHeapUsedBytes the container JVM's used heap
 */
public record Pressure(Instant time, boolean available, String reason, int running, int queued, int queueCapacity,
        long rejectedLastMinute, int workers, int starting, double cpuLoad, long browserMemoryBytes,
        long memoryBudgetBytes, long jvmHeapUsedBytes) {
}
