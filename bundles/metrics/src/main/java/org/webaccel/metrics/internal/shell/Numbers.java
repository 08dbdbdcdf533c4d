package org.webaccel.metrics.internal.shell;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the report commands print numbers and times: the same in every format; a missing statistic is "-". */
final class Numbers {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);
    static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private Numbers() {
    }

    static String ms(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "-";
    }

    static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }

    static String signedPercent(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.1f %%", v) : "-";
    }

    static String rate(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
    }

    static String p(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2g", v) : "-";
    }

    static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    static String days(int days) {
        return days + (days == 1 ? " day" : " days");
    }
}
