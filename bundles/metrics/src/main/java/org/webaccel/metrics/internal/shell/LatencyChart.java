package org.webaccel.metrics.internal.shell;

import static org.webaccel.metrics.internal.shell.HtmlReport.escape;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.webaccel.api.metrics.LatencyPoint;

/**
 * One inline SVG plot of a model's latency over time: a solid line of the median and a dashed line of the
 * 95th percentile per backend and execution provider, on a shared time axis from the start to the end of the
 * report's window, with a dot on each median. A step whose inferences all failed has no latency and breaks
 * the line, and so does a stretch without inferences longer than a tenth of the window: a straight line
 * across it would show latencies nobody measured.
 */
final class LatencyChart {
    static final int WIDTH = 720;
    static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 40;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
        "#8c564b", "#e377c2"};

    private final Instant from;
    private final Instant to;
    private final long gapMillis;

    /**
     * @param from the left end of the time axis
     * @param to the right end of the time axis
     */
    LatencyChart(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("the time axis must run forwards; got " + from + " to " + to);
        }
        this.from = from;
        this.to = to;
        this.gapMillis = Duration.between(from, to).toMillis() / 10;
    }

    /**
     * @param model the model the points are of, for the title
     * @param points that model's points, oldest first
     * @return an {@code <svg>} element, or a note when no step has a latency
     */
    String render(String model, List<LatencyPoint> points) {
        Map<String, List<LatencyPoint>> series = new TreeMap<>();
        double max = 0;
        for (LatencyPoint p : points) {
            series.computeIfAbsent(p.backend() + " / " + p.executionProvider().id(), k -> new ArrayList<>()).add(p);
            max = Math.max(max, finiteOrZero(p.p95Ms()));
            max = Math.max(max, finiteOrZero(p.p50Ms()));
        }
        if (max <= 0) {
            return "<p class=\"note\">" + escape(model) + ": no successful inference in this window to plot.</p>\n";
        }
        double tick = tick(max);
        double top = Math.ceil(max / tick) * tick;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" role=\"img\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<title>").append(escape(model)).append(": latency over time (ms)</title>\n");
        axes(svg, tick, top);
        int i = 0;
        for (Map.Entry<String, List<LatencyPoint>> e : series.entrySet()) {
            String colour = COLOURS[i % COLOURS.length];
            line(svg, e.getValue(), top, colour, false);
            line(svg, e.getValue(), top, colour, true);
            dots(svg, e.getValue(), top, colour);
            int y = TOP + 4 + 14 * i;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                    + " stroke-width=\"2\"/><text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>%n", WIDTH - RIGHT - 200,
                    y, WIDTH - RIGHT - 184, y, colour, WIDTH - RIGHT - 178, y + 4, escape(e.getKey())));
            i++;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private void axes(StringBuilder svg, double tick, double top) {
        int bottom = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>%n",
                LEFT, bottom, WIDTH - RIGHT, bottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>%n",
                LEFT, TOP, LEFT, bottom));
        for (double v = 0; v <= top + tick / 2; v += tick) {
            double y = y(v, top);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>%n", LEFT, y,
                    WIDTH - RIGHT, y, LEFT - 6, y + 4, label(v)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\">%s</text>%n", LEFT,
                bottom + 18, Numbers.SECONDS.format(from)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s UTC"
                + "</text>%n", WIDTH - RIGHT, bottom + 18, Numbers.SECONDS.format(to)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\">ms (solid: p50, dashed: p95)"
                + "</text>%n", LEFT, bottom + 34));
    }

    private void line(StringBuilder svg, List<LatencyPoint> points, double top, String colour, boolean p95) {
        StringBuilder d = new StringBuilder();
        boolean drawing = false;
        Instant last = null;
        for (LatencyPoint p : points) {
            double v = p95 ? p.p95Ms() : p.p50Ms();
            if (!Double.isFinite(v)) {
                drawing = false;
                continue;
            }
            if (last != null && Duration.between(last, p.start()).toMillis() > gapMillis) {
                drawing = false;
            }
            last = p.start();
            d.append(drawing ? " L" : (d.length() == 0 ? "M" : " M"))
                    .append(String.format(Locale.ROOT, "%.1f %.1f", x(p.start()), y(v, top)));
            drawing = true;
        }
        if (d.length() == 0) {
            return;
        }
        svg.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(colour)
                .append(p95 ? "\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>" : "\" stroke-width=\"2\"/>")
                .append('\n');
    }

    /** A dot on each median, so that a step between two failed ones, or a series of one step, still shows. */
    private void dots(StringBuilder svg, List<LatencyPoint> points, double top, String colour) {
        for (LatencyPoint p : points) {
            if (Double.isFinite(p.p50Ms())) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>",
                        x(p.start()), y(p.p50Ms(), top), colour));
            }
        }
        svg.append('\n');
    }

    private double x(Instant t) {
        double span = to.toEpochMilli() - from.toEpochMilli();
        double f = Math.max(0, Math.min(1, (t.toEpochMilli() - from.toEpochMilli()) / span));
        return LEFT + f * (WIDTH - LEFT - RIGHT);
    }

    private static double y(double v, double top) {
        return HEIGHT - BOTTOM - v / top * (HEIGHT - BOTTOM - TOP);
    }

    /** A step of 1, 2 or 5 times a power of ten that cuts {@code [0, max]} into at most about five parts. */
    static double tick(double max) {
        double raw = max / 5;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * power >= raw) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String label(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2g", v);
    }

    private static double finiteOrZero(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
