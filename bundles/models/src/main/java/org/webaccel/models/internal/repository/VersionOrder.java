package org.webaccel.models.internal.repository;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders version strings the way people read them. A version is split into runs of digits and runs of
 * letters (anything else, such as {@code .} or {@code -}, only separates): digit runs compare as
 * numbers ({@code 1.10} after {@code 1.9}, {@code 10} after {@code 2}), letter runs as text, a number
 * ranks above text in the same place ({@code 1.beta} before {@code 1.2}), and a version that is a
 * prefix of another comes first ({@code 1.0} before {@code 1.0.1}).
 */
final class VersionOrder implements Comparator<String> {
    static final VersionOrder INSTANCE = new VersionOrder();

    @Override
    public int compare(String a, String b) {
        List<String> ta = tokens(a);
        List<String> tb = tokens(b);
        for (int i = 0; i < Math.min(ta.size(), tb.size()); i++) {
            String x = ta.get(i);
            String y = tb.get(i);
            boolean numX = Character.isDigit(x.charAt(0));
            boolean numY = Character.isDigit(y.charAt(0));
            int c;
            if (numX && numY) {
                // BigInteger: a date-like version such as 20240101123000 must not overflow
                c = new BigInteger(x).compareTo(new BigInteger(y));
            } else if (numX != numY) {
                c = numX ? 1 : -1;
            } else {
                c = x.compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        int c = Integer.compare(ta.size(), tb.size());
        // equal by value but spelt differently (1.01 and 1.1): the text decides, for a total order
        return c != 0 ? c : a.compareTo(b);
    }

    private static List<String> tokens(String version) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < version.length()) {
            char ch = version.charAt(i);
            if (!Character.isLetterOrDigit(ch)) {
                i++;
                continue;
            }
            boolean digits = Character.isDigit(ch);
            int end = i;
            while (end < version.length() && Character.isLetterOrDigit(version.charAt(end))
                    && Character.isDigit(version.charAt(end)) == digits) {
                end++;
            }
            tokens.add(version.substring(i, end));
            i = end;
        }
        return tokens;
    }
}
