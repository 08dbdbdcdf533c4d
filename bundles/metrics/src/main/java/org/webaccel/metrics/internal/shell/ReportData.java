package org.webaccel.metrics.internal.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.webaccel.api.metrics.LatencyPoint;
import org.webaccel.api.metrics.Recommendation;
import org.webaccel.api.metrics.RecordingStatus;
import org.webaccel.api.metrics.Summary;

/**
 * What one {@code pool:report} shows, read from the store once and handed to the renderer of the chosen
 * format, so every format tells the same numbers.
 *
 * @param days the window in days
 * @param since the start of the window
 * @param until the end of the window (now, on the report's clock)
 * @param step the length of one step of the latency timeline
 * @param summaries latency and errors per series
 * @param recommendations the recommended backend per model type that has one
 * @param timeline latency per step and series, oldest first
 * @param status the recording counters
 */
record ReportData(int days, Instant since, Instant until, Duration step, List<Summary> summaries,
        List<Recommendation> recommendations, List<LatencyPoint> timeline, RecordingStatus status) {
}
