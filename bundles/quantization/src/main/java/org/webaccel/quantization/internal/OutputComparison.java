package org.webaccel.quantization.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far one model's outputs are from a reference's over a set of inputs: the largest absolute
 * difference, the lowest cosine similarity (per input and output), and the mean relative squared error
 * ({@code sum (y - r)^2 / sum r^2}, averaged over inputs and outputs), which adds up roughly linearly over
 * independently quantized layers and so ranks their sensitivity.
 *
 * <p>An output of one value per input (a score, such as a wake-word head's) has a cosine of 1 or -1 with any
 * value of its sign; such an output's cosine is taken over its values for all the inputs together instead.
 */
record OutputComparison(double maxAbsError, double minCosine, double meanRelativeSquaredError) {

    static OutputComparison of(List<Map<String, float[]>> reference, List<Map<String, float[]>> candidate) {
        if (reference.size() != candidate.size()) {
            throw new IllegalArgumentException(candidate.size() + " results for " + reference.size() + " inputs");
        }
        double maxAbs = 0;
        double minCos = 1;
        double nmse = 0;
        int terms = 0;
        Map<String, Sums> scalars = new LinkedHashMap<>();
        for (int i = 0; i < reference.size(); i++) {
            for (Map.Entry<String, float[]> e : reference.get(i).entrySet()) {
                float[] r = e.getValue();
                float[] c = candidate.get(i).get(e.getKey());
                if (c == null || c.length != r.length) {
                    throw new IllegalArgumentException("output '" + e.getKey() + "' is missing or has another size");
                }
                boolean scalar = reference.size() > 1 && reference.stream().allMatch(o -> o.get(e.getKey()).length == 1);
                Sums s = scalar ? scalars.computeIfAbsent(e.getKey(), k -> new Sums()) : new Sums();
                double diff = 0;
                for (int k = 0; k < r.length; k++) {
                    double d = (double) c[k] - r[k];
                    maxAbs = Math.max(maxAbs, Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.abs(d));
                    s.add(r[k], c[k]);
                    diff += d * d;
                }
                if (!scalar) {
                    minCos = Math.min(minCos, s.cosine());
                }
                double rr = 0;
                for (float v : r) {
                    rr += (double) v * v;
                }
                nmse += rr == 0 ? (diff == 0 ? 0 : 1) : diff / rr;
                terms++;
            }
        }
        for (Sums s : scalars.values()) {
            minCos = Math.min(minCos, s.cosine());
        }
        return new OutputComparison(maxAbs, minCos, terms == 0 ? 0 : nmse / terms);
    }

    /** The sums a cosine similarity is made of. */
    private static final class Sums {
        private double dot;
        private double rr;
        private double cc;

        void add(double r, double c) {
            dot += r * c;
            rr += r * r;
            cc += c * c;
        }

        double cosine() {
            double cos = rr == 0 && cc == 0 ? 1 : rr == 0 || cc == 0 ? 0 : dot / Math.sqrt(rr * cc);
            return Double.isNaN(cos) ? 0 : cos;
        }
    }
}
