package org.webaccel.harness;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus text exposition. */
public final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * @param text the exposition
     * @param metric a sample name
     * @param labels label pairs, as {@code name="value"}, that a sample must carry to count
     * @return the sum of the matching samples, or empty when none matches
     */
    public static OptionalDouble sum(String text, String metric, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        double total = 0;
        boolean any = false;
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String want : labels) {
                all &= l.contains(want);
            }
            if (all) {
                total += Double.parseDouble(m.group(2));
                any = true;
            }
        }
        return any ? OptionalDouble.of(total) : OptionalDouble.empty();
    }
}
