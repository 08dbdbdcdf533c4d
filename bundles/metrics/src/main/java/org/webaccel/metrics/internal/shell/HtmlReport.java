package org.webaccel.metrics.internal.shell;

import static org.webaccel.metrics.internal.shell.Numbers.dash;
import static org.webaccel.metrics.internal.shell.Numbers.ms;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.webaccel.api.metrics.LatencyPoint;
import org.webaccel.api.metrics.Recommendation;
import org.webaccel.api.metrics.Summary;

/**
 * {@code pool:report --format html}: one self-contained page (inline CSS, inline SVG plots, no script and no
 * external resource), written as well-formed XHTML so that it opens the same in a browser and in an XML parser.
 */
final class HtmlReport {
    private static final String CSS = String.join("\n",
            "body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }",
            "table { border-collapse: collapse; margin: 0.5em 0 1.5em; }",
            "th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }",
            "th { background: #f3f3f3; }",
            "td.n { text-align: right; font-variant-numeric: tabular-nums; }",
            "svg { display: block; margin: 0.5em 0 1.5em; }",
            "svg .axis { stroke: #444; } svg .grid { stroke: #e4e4e4; }",
            "svg .tick, svg .legend { font-size: 11px; fill: #444; }",
            ".note { color: #666; }");

    String render(ReportData d) {
        StringBuilder out = new StringBuilder();
        String title = "WebAccel performance over the last " + Numbers.days(d.days());
        out.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>").append(escape(title)).append("</title>\n")
                .append("<style>\n").append(CSS).append("\n</style>\n</head>\n<body>\n");
        out.append("<h1>").append(escape(title)).append("</h1>\n<p>From ")
                .append(Numbers.SECONDS.format(d.since())).append(" to ").append(Numbers.SECONDS.format(d.until()))
                .append(" UTC.</p>\n");
        summaries(out, d.summaries());
        plots(out, d);
        recommendations(out, d.recommendations());
        out.append("<h2>Recording</h2>\n<p>").append(escape(TextReport.recording(d.status()))).append("</p>\n");
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    private static void summaries(StringBuilder out, List<Summary> summaries) {
        out.append("<h2>Latency and errors per model, backend and execution provider</h2>\n");
        if (summaries.isEmpty()) {
            out.append("<p class=\"note\">No inferences recorded in this window.</p>\n");
            return;
        }
        header(out, "model", "backend", "EP", ">count", ">errors", ">mean ms", ">p50 ms", ">p95 ms", ">p99 ms");
        for (Summary s : summaries) {
            row(out, s.model() + ":" + s.version(), dash(s.backend()), s.executionProvider().id(),
                    new Num(Long.toString(s.count())), new Num(Numbers.rate(s.errorRate())), new Num(ms(s.meanMs())),
                    new Num(ms(s.p50Ms())), new Num(ms(s.p95Ms())), new Num(ms(s.p99Ms())));
        }
        out.append("</table>\n");
    }

    private static void plots(StringBuilder out, ReportData d) {
        out.append("<h2>Latency over time</h2>\n<p>One step is ").append(escape(step(d))).append(".</p>\n");
        Map<String, List<LatencyPoint>> byModel = new TreeMap<>();
        for (LatencyPoint p : d.timeline()) {
            byModel.computeIfAbsent(p.model(), k -> new ArrayList<>()).add(p);
        }
        if (byModel.isEmpty()) {
            out.append("<p class=\"note\">Nothing to plot.</p>\n");
            return;
        }
        LatencyChart chart = new LatencyChart(d.since(), d.until());
        for (Map.Entry<String, List<LatencyPoint>> e : byModel.entrySet()) {
            out.append("<h3>").append(escape(e.getKey())).append("</h3>\n").append(chart.render(e.getKey(),
                    e.getValue()));
        }
    }

    private static void recommendations(StringBuilder out, List<Recommendation> recommendations) {
        out.append("<h2>Recommended backend per model type</h2>\n");
        if (recommendations.isEmpty()) {
            out.append("<p class=\"note\">None yet: no candidate has enough successful samples.</p>\n");
            return;
        }
        header(out, "type", "backend", "EP", ">confidence", ">samples", ">p50 ms", "why");
        for (Recommendation r : recommendations) {
            row(out, r.modelType().id(), r.backend(), r.executionProvider().id(),
                    new Num(String.format(Locale.ROOT, "%.2f", r.confidence())), new Num(Long.toString(r.samples())),
                    new Num(ms(r.medianMs())), r.reason());
        }
        out.append("</table>\n");
    }

    private static String step(ReportData d) {
        long minutes = d.step().toMinutes();
        return minutes % 60 == 0 ? (minutes / 60) + " h" : minutes + " min";
    }

    /** A header row; a title starting with {@code >} heads a column of numbers. */
    private static void header(StringBuilder out, String... titles) {
        out.append("<table>\n<tr>");
        for (String t : titles) {
            out.append("<th>").append(escape(t.startsWith(">") ? t.substring(1) : t)).append("</th>");
        }
        out.append("</tr>\n");
    }

    /** A number in a table: right-aligned. */
    private record Num(String text) {
    }

    /** A data row of text (as it is) and {@link Num numbers}. */
    private static void row(StringBuilder out, Object... cells) {
        out.append("<tr>");
        for (Object c : cells) {
            out.append(c instanceof Num n ? "<td class=\"n\">" + escape(n.text()) : "<td>" + escape((String) c))
                    .append("</td>");
        }
        out.append("</tr>\n");
    }

    /** @return the text with the characters that are markup in HTML and XML escaped */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return b.toString();
    }
}
