package org.webaccel.pool.internal;

import java.util.Map;
import java.util.TreeMap;

/**
 * Per-model settings written as {@code name=value} lists, e.g. {@code text-encoder=2, image-classifier=4}.
 *
 * @param concurrency most requests of a model running at once; absent: no limit
 * @param weights a model's share in fair turns (default 1): with equal demand, a model of weight 2 gets
 *        twice the workers of one of weight 1
 * @param queueLimits most requests of a model waiting at once; absent: only the pool's queue bound
 * @param batchMax the largest batch (summed first dimensions) requests of a model are joined into; absent or 1:
 *        not batched
 * @param batchPreferred the batch size worth waiting for
 * @param batchDelayMillis how long the oldest request of a model may wait for its batch to fill
 */
record ModelSettings(Map<String, Integer> concurrency, Map<String, Double> weights, Map<String, Integer> queueLimits,
        Map<String, Integer> batchMax, Map<String, Integer> batchPreferred, Map<String, Integer> batchDelayMillis) {

    static final ModelSettings NONE = new ModelSettings(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    static ModelSettings of(PoolConfig c) {
        return new ModelSettings(ints("modelConcurrency", c.modelConcurrency()),
                doubles("modelWeights", c.modelWeights()), ints("modelQueueLimits", c.modelQueueLimits()),
                ints("batchMaxSize", c.batchMaxSize()), ints("batchPreferredSize", c.batchPreferredSize()),
                ints("batchMaxDelayMillis", c.batchMaxDelayMillis()));
    }

    /** @return the largest batch of the model, 1 when it is not batched */
    int batchMax(String model) {
        return batchMax.getOrDefault(model, 1);
    }

    /** @return the batch size worth waiting for: the preferred size, or the largest */
    int batchPreferred(String model) {
        return Math.min(batchMax(model), batchPreferred.getOrDefault(model, batchMax(model)));
    }

    /** @return how long, in nanoseconds, a model's oldest request may wait for its batch to fill (default 0) */
    long batchDelayNanos(String model) {
        return java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(batchDelayMillis.getOrDefault(model, 0));
    }

    int concurrency(String model) {
        return concurrency.getOrDefault(model, Integer.MAX_VALUE);
    }

    double weight(String model) {
        return weights.getOrDefault(model, 1.0);
    }

    int queueLimit(String model) {
        return queueLimits.getOrDefault(model, Integer.MAX_VALUE);
    }

    /**
     * @throws IllegalArgumentException naming the setting and the entry that is not {@code name=positive int}
     */
    static Map<String, Integer> ints(String setting, String text) {
        Map<String, Integer> out = new TreeMap<>();
        parse(setting, text).forEach((name, value) -> {
            try {
                int v = Integer.parseInt(value);
                if (v < 1) {
                    throw new NumberFormatException();
                }
                out.put(name, v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(setting + ": '" + name + "=" + value
                        + "' needs a positive whole number");
            }
        });
        return out;
    }

    static Map<String, Double> doubles(String setting, String text) {
        Map<String, Double> out = new TreeMap<>();
        parse(setting, text).forEach((name, value) -> {
            try {
                double v = Double.parseDouble(value);
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new NumberFormatException();
                }
                out.put(name, v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(setting + ": '" + name + "=" + value + "' needs a positive number");
            }
        });
        return out;
    }

    /** Splits {@code a=1, b=2}; model names are taken without a version (all versions share the setting). */
    static Map<String, String> parse(String setting, String text) {
        Map<String, String> out = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String entry : text.split(",")) {
            String e = entry.trim();
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                throw new IllegalArgumentException(setting + ": '" + e + "' is not name=value");
            }
            String name = e.substring(0, eq).trim();
            if (out.put(name, e.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException(setting + ": '" + name + "' is given twice");
            }
        }
        return out;
    }
}
