package org.webaccel.models.internal.demo;

import java.util.Arrays;
import java.util.Random;

/**
 * Seeded initial values for the demo models' weights. {@link Random} is specified to give the same
 * sequence for the same seed on every JVM, which makes the written models byte-for-byte reproducible.
 */
final class Weights {
    private final Random random;

    Weights(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Glorot/Xavier uniform: keeps the variance of activations about constant through a linear layer, so
     * attention scores stay in the range where softmax is not saturated.
     */
    float[] xavier(int fanIn, int fanOut, int count) {
        return uniform(count, (float) Math.sqrt(6.0 / (fanIn + fanOut)));
    }

    /** He uniform: the variant for layers followed by ReLU, which zeroes half of the activations. */
    float[] he(int fanIn, int count) {
        return uniform(count, (float) Math.sqrt(6.0 / fanIn));
    }

    /** @return {@code count} values drawn uniformly from {@code [-limit, limit)} */
    float[] uniform(int count, float limit) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (random.nextFloat() * 2f - 1f) * limit;
        }
        return v;
    }

    static float[] filled(int count, float value) {
        float[] v = new float[count];
        Arrays.fill(v, value);
        return v;
    }
}
