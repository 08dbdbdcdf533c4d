package org.webaccel.metrics.internal.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.LatencyPoint;

public class LatencyChartTest {
    private static final Instant FROM = Instant.parse("2026-11-19T12:00:00Z");
    private static final Instant TO = FROM.plus(Duration.ofDays(1));

    private static LatencyPoint at(int minutes, double p50) {
        return new LatencyPoint(FROM.plus(Duration.ofMinutes(minutes)), "m", "chromium", ExecutionProvider.WASM, 1,
                Double.isNaN(p50) ? 1 : 0, p50, p50 * 1.5);
    }

    private static List<String> paths(String svg) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<path d=\"([^\"]*)\"").matcher(svg);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    public void aFailedStepAndALongSilenceBreakTheLineButNearbyStepsJoin() {
        // 12-minute steps; a failed step at 36 min; nothing from 60 min to 20 h (longer than 2.4 h, a tenth)
        String svg = new LatencyChart(FROM, TO).render("m", List.of(at(0, 10), at(12, 11), at(24, 12),
                at(36, Double.NaN), at(48, 12), at(60, 13), at(1200, 14), at(1212, 15)));
        String p50 = paths(svg).get(0);
        assertEquals(p50, 3, p50.split("M").length - 1);
        assertEquals(p50, 4, p50.split("L").length - 1);
        assertEquals("a dot per median", 7, svg.split("<circle").length - 1);
    }

    @Test
    public void theAxisRisesInNiceStepsAboveTheLargestP95AndTimeRunsLeftToRight() {
        String svg = new LatencyChart(FROM, TO).render("m", List.of(at(0, 100), at(60, 200), at(120, 300)));
        // p95 reaches 450: ticks of 100 up to 500
        assertTrue(svg, svg.contains(">500</text>") && !svg.contains(">600</text>"));
        Matcher m = Pattern.compile("M([0-9.]+) ([0-9.]+) L([0-9.]+) ([0-9.]+) L([0-9.]+) ([0-9.]+)")
                .matcher(paths(svg).get(0));
        assertTrue(svg, m.find());
        assertTrue("time runs right", Double.parseDouble(m.group(1)) < Double.parseDouble(m.group(3)));
        assertTrue("latency runs up", Double.parseDouble(m.group(2)) > Double.parseDouble(m.group(4)));
        assertEquals(1, LatencyChart.tick(4), 0);
        assertEquals(20, LatencyChart.tick(99), 0);
        assertEquals(0.5, LatencyChart.tick(2.2), 1e-12);
    }

    @Test
    public void aModelWithoutAnySuccessGetsANoteAndNoPlot() {
        String out = new LatencyChart(FROM, TO).render("a<b", List.of(at(0, Double.NaN)));
        assertEquals("<p class=\"note\">a&lt;b: no successful inference in this window to plot.</p>\n", out);
    }
}
