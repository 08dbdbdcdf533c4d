package org.webaccel.quantization.internal;

import java.util.List;
import java.util.Map;

/**
 * How far one model's outputs are from a reference's over a set of inputs: the largest absolute
 * difference, the lowest cosine similarity (per input and output), and the mean relative squared error
 * ({@code sum (y - r)^2 / sum r^2}, averaged over inputs and outputs), which adds up roughly linearly over
 * independently quantized layers and so ranks their sensitivity.
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
        for (int i = 0; i < reference.size(); i++) {
            for (Map.Entry<String, float[]> e : reference.get(i).entrySet()) {
                float[] r = e.getValue();
                float[] c = candidate.get(i).get(e.getKey());
                if (c == null || c.length != r.length) {
                    throw new IllegalArgumentException("output '" + e.getKey() + "' is missing or has another size");
                }
                double dot = 0;
                double rr = 0;
                double cc = 0;
                double diff = 0;
                for (int k = 0; k < r.length; k++) {
                    double d = (double) c[k] - r[k];
                    maxAbs = Math.max(maxAbs, Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.abs(d));
                    dot += (double) r[k] * c[k];
                    rr += (double) r[k] * r[k];
                    cc += (double) c[k] * c[k];
                    diff += d * d;
                }
                double cos = rr == 0 && cc == 0 ? 1 : rr == 0 || cc == 0 ? 0 : dot / Math.sqrt(rr * cc);
                minCos = Math.min(minCos, Double.isNaN(cos) ? 0 : cos);
                nmse += rr == 0 ? (diff == 0 ? 0 : 1) : diff / rr;
                terms++;
            }
        }
        return new OutputComparison(maxAbs, minCos, terms == 0 ? 0 : nmse / terms);
    }
}
