package org.webaccel.metrics.internal.shell;

import static org.webaccel.metrics.internal.shell.Numbers.dash;
import static org.webaccel.metrics.internal.shell.Numbers.ms;

import java.util.Locale;
import org.webaccel.api.metrics.Recommendation;
import org.webaccel.api.metrics.RecordingStatus;
import org.webaccel.api.metrics.Summary;

/** {@code pool:report --format text}: padded tables for a terminal. */
final class TextReport {

    String render(ReportData d) {
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder();
        out.append("performance over the last ").append(Numbers.days(d.days())).append(" (since ")
                .append(Numbers.SECONDS.format(d.since())).append(" UTC)").append(nl);
        if (d.summaries().isEmpty()) {
            out.append("no inferences recorded in this window").append(nl);
        } else {
            TextTable table = new TextTable("MODEL", "BACKEND", "EP", ">COUNT", ">ERRORS", ">MEAN ms", ">P50 ms",
                    ">P95 ms", ">P99 ms");
            for (Summary s : d.summaries()) {
                table.row(s.model() + ":" + s.version(), dash(s.backend()), s.executionProvider().id(), s.count(),
                        Numbers.rate(s.errorRate()), ms(s.meanMs()), ms(s.p50Ms()), ms(s.p95Ms()), ms(s.p99Ms()));
            }
            out.append(table);
        }
        out.append(nl).append("recommended backend per model type").append(nl);
        if (d.recommendations().isEmpty()) {
            out.append("none yet: no candidate has enough successful samples").append(nl);
        } else {
            TextTable table = new TextTable("TYPE", "BACKEND", "EP", ">CONFIDENCE", ">SAMPLES", ">P50 ms", "WHY");
            for (Recommendation r : d.recommendations()) {
                table.row(r.modelType().id(), r.backend(), r.executionProvider().id(),
                        String.format(Locale.ROOT, "%.2f", r.confidence()), r.samples(), ms(r.medianMs()), r.reason());
            }
            out.append(table);
        }
        out.append(nl).append(recording(d.status())).append(nl);
        return out.toString();
    }

    static String recording(RecordingStatus status) {
        return String.format(Locale.ROOT, "recording: accepted %d, written %d, dropped %d, buffered %d; database %s (%s)",
                status.accepted(), status.written(), status.dropped(), status.buffered(), status.database(),
                status.available() ? "open" : "unavailable");
    }
}
