package org.webaccel.api.quantization;

import java.util.Locale;

/**
 * What a mixed-precision plan must respect: a size limit, or an accuracy floor.
 *
 * @param kind what is limited
 * @param value bytes for {@link Kind#MAX_BYTES}, a fraction of the float model's file for
 *        {@link Kind#MAX_SIZE_FRACTION}, the lowest cosine similarity for {@link Kind#MIN_COSINE}
 */
public record Budget(Kind kind, double value) {

    /** What a budget limits. */
    public enum Kind {
        /** the variant's file is at most this many bytes */
        MAX_BYTES,
        /** the variant's file is at most this fraction of the float model's */
        MAX_SIZE_FRACTION,
        /** on the calibration inputs, every output's cosine similarity to the float model is at least this */
        MIN_COSINE
    }

    /** @throws IllegalArgumentException when the value is out of range for its kind */
    public Budget {
        if (kind == null) {
            throw new IllegalArgumentException("a budget needs a kind");
        }
        boolean ok = switch (kind) {
            case MAX_BYTES -> value >= 1;
            case MAX_SIZE_FRACTION -> value > 0 && value < 1;
            case MIN_COSINE -> value > 0 && value < 1;
        };
        if (!ok || Double.isNaN(value)) {
            throw new IllegalArgumentException(switch (kind) {
                case MAX_BYTES -> "a size budget must be at least 1 byte; got " + value;
                case MAX_SIZE_FRACTION -> "a size budget in percent must be above 0 % and below 100 %; got "
                        + value * 100 + " %";
                case MIN_COSINE -> "a cosine budget must be above 0 and below 1; got " + value;
            });
        }
    }

    /**
     * Reads {@code size=30%}, {@code size=400KB} (also B, KiB, MB, MiB; KB = 1000 bytes), {@code size=400000}
     * or {@code cosine=0.999}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Budget parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int eq = t.indexOf('=');
        String key = eq < 0 ? "" : t.substring(0, eq).trim();
        String value = eq < 0 ? "" : t.substring(eq + 1).trim();
        try {
            if (key.equals("cosine")) {
                return new Budget(Kind.MIN_COSINE, Double.parseDouble(value));
            }
            if (key.equals("size")) {
                if (value.endsWith("%")) {
                    return new Budget(Kind.MAX_SIZE_FRACTION,
                            Double.parseDouble(value.substring(0, value.length() - 1).trim()) / 100);
                }
                String[][] units = {{"kib", "1024"}, {"mib", "1048576"}, {"kb", "1000"}, {"mb", "1000000"}, {"b", "1"}};
                for (String[] u : units) {
                    if (value.endsWith(u[0])) {
                        double n = Double.parseDouble(value.substring(0, value.length() - u[0].length()).trim());
                        return new Budget(Kind.MAX_BYTES, Math.floor(n * Long.parseLong(u[1])));
                    }
                }
                return new Budget(Kind.MAX_BYTES, Double.parseDouble(value));
            }
        } catch (NumberFormatException e) {
            // falls through to the message that names the accepted forms
        }
        throw new IllegalArgumentException("cannot read the budget '" + text + "'; expected size=PERCENT% (e.g. "
                + "size=30%), size=BYTES (e.g. size=400KB, size=1.5MiB, size=300000) or cosine=MIN (e.g. cosine=0.999)");
    }

    /** @return a short name for variant names, e.g. {@code size30pct}, {@code size400000b}, {@code cos0.999} */
    public String tag() {
        return switch (kind) {
            case MAX_BYTES -> "size" + (long) value + "b";
            case MAX_SIZE_FRACTION -> "size" + Math.round(value * 100) + "pct";
            case MIN_COSINE -> "cos" + value;
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case MAX_BYTES -> "size <= " + (long) value + " bytes";
            case MAX_SIZE_FRACTION -> String.format(Locale.ROOT, "size <= %.1f %% of the float model", value * 100);
            case MIN_COSINE -> "cosine >= " + value;
        };
    }
}
