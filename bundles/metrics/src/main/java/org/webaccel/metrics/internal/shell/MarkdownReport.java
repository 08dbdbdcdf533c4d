package org.webaccel.metrics.internal.shell;

import static org.webaccel.metrics.internal.shell.Numbers.dash;
import static org.webaccel.metrics.internal.shell.Numbers.ms;

import java.util.Locale;
import org.webaccel.api.metrics.Recommendation;
import org.webaccel.api.metrics.Summary;

/**
 * {@code pool:report --format markdown}: GitHub-flavoured pipe tables (numbers right-aligned), for an issue,
 * a pull request or a wiki page.
 */
final class MarkdownReport {

    String render(ReportData d) {
        StringBuilder out = new StringBuilder();
        out.append("# Performance over the last ").append(Numbers.days(d.days())).append("\n\n");
        out.append("From ").append(Numbers.SECONDS.format(d.since())).append(" to ")
                .append(Numbers.SECONDS.format(d.until())).append(" UTC.\n\n");
        out.append("## Latency and errors per model, backend and execution provider\n\n");
        if (d.summaries().isEmpty()) {
            out.append("No inferences recorded in this window.\n");
        } else {
            TextTable t = new TextTable("model", "backend", "EP", ">count", ">errors", ">mean ms", ">p50 ms", ">p95 ms",
                    ">p99 ms");
            for (Summary s : d.summaries()) {
                t.row(s.model() + ":" + s.version(), dash(s.backend()), s.executionProvider().id(),
                        Long.toString(s.count()), Numbers.rate(s.errorRate()), ms(s.meanMs()), ms(s.p50Ms()),
                        ms(s.p95Ms()), ms(s.p99Ms()));
            }
            out.append(t.markdown());
        }
        out.append("\n## Recommended backend per model type\n\n");
        if (d.recommendations().isEmpty()) {
            out.append("None yet: no candidate has enough successful samples.\n");
        } else {
            TextTable t = new TextTable("type", "backend", "EP", ">confidence", ">samples", ">p50 ms", "why");
            for (Recommendation r : d.recommendations()) {
                t.row(r.modelType().id(), r.backend(), r.executionProvider().id(),
                        String.format(Locale.ROOT, "%.2f", r.confidence()), Long.toString(r.samples()),
                        ms(r.medianMs()), r.reason());
            }
            out.append(t.markdown());
        }
        out.append("\n## Recording\n\n").append(cell(TextReport.recording(d.status()))).append(".\n");
        return out.toString();
    }

    /** A cell's text with what would end the cell or the row escaped. */
    static String cell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
