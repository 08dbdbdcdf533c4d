package org.webaccel.metrics.internal.shell;

import static org.webaccel.metrics.internal.shell.Numbers.num;
import static org.webaccel.metrics.internal.shell.Numbers.p;

import java.util.List;
import java.util.Locale;
import org.webaccel.api.metrics.Metric;
import org.webaccel.api.metrics.Trend;

/**
 * {@code pool:trends} as a table: one row per metric and series, the windows' medians (for errors: rates) in
 * the metric's unit, the change (in percent; for errors in percentage points), both tests' p-values and the
 * slope per hour.
 */
final class TrendTable {

    String render(List<Trend> trends) {
        TextTable table = new TextTable("METRIC", "MODEL", "BACKEND", "EP", "VERDICT", "SEVERITY", ">CHANGE",
                ">BASELINE", ">RECENT", "UNIT", ">SAMPLES", ">p MANN-WHITNEY", ">p WELCH", ">SLOPE /h");
        for (Trend t : trends) {
            table.row(t.metric().id(), t.model() + ":" + t.version(), Numbers.dash(t.backend()),
                    t.executionProvider().id(),
                    t.direction().name().toLowerCase(Locale.ROOT) + (t.significant() ? "" : " (not significant)"),
                    t.severity().name().toLowerCase(Locale.ROOT), change(t), value(t, t.baselineMedianMs()),
                    value(t, t.recentMedianMs()), t.metric().unit(), t.baselineCount() + "/" + t.recentCount(),
                    p(t.mannWhitneyP()), p(t.welchP()), num(t.slopeMsPerHour()));
        }
        return table.toString();
    }

    private static String change(Trend t) {
        if (!Double.isFinite(t.percentChange())) {
            return "-";
        }
        return t.metric() == Metric.ERRORS ? String.format(Locale.ROOT, "%+.1f pts", t.percentChange())
                : Numbers.signedPercent(t.percentChange());
    }

    private static String value(Trend t, double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        // throughput is often a small fraction of one inference per second: three significant digits
        return t.metric() == Metric.THROUGHPUT ? String.format(Locale.ROOT, "%.3g", v) : Numbers.ms(v);
    }
}
