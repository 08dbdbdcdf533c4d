package org.webaccel.quantization.internal;

import java.util.ArrayList;
import java.util.List;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.quantization.Budget;
import org.webaccel.api.quantization.MixedPrecision;
import org.webaccel.api.quantization.QuantizationSpec;

/**
 * The options of {@code pool:quantize}, checked all together before anything is done, so a bad
 * argument never leaves half a result behind. Exactly one of {@link #spec} and {@link #mixed} is set.
 */
record QuantizeArguments(String model, QuantizationSpec spec, MixedPrecision mixed, String name,
        ExecutionProvider executionProvider, int inputs) {
    static final int MAX_INPUTS = 64;

    /**
     * @throws IllegalArgumentException with the first problem found, in words a user can act on
     */
    static QuantizeArguments parse(String model, String bits, String group, boolean symmetric, boolean asymmetric,
            boolean mixed, String budget, String name, String ep, String inputs) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("name the model to quantize: pool:quantize MODEL --bits 4 --group 32");
        }
        if (symmetric && asymmetric) {
            throw new IllegalArgumentException("give --symmetric or --asymmetric, not both");
        }
        int groupSize = integer("--group", group);
        QuantizationSpec.checkGroup(groupSize);
        ExecutionProvider provider = ExecutionProvider.of(ep);
        int count = integer("--inputs", inputs);
        if (count < 1 || count > MAX_INPUTS) {
            throw new IllegalArgumentException("--inputs must be 1.." + MAX_INPUTS + "; got " + count);
        }
        boolean sym = !asymmetric;
        if (!mixed) {
            if (!budget.isEmpty()) {
                throw new IllegalArgumentException("--budget applies to --mixed plans only");
            }
            if (bits.isEmpty()) {
                throw new IllegalArgumentException("give --bits 2, 3, 4 or 8, or --mixed --budget ...");
            }
            if (bits.contains(",")) {
                throw new IllegalArgumentException("--bits takes one width without --mixed; got " + bits);
            }
            int b = integer("--bits", bits);
            return new QuantizeArguments(model, new QuantizationSpec(b, groupSize, sym), null, name, provider, count);
        }
        if (budget.isEmpty()) {
            throw new IllegalArgumentException("--mixed needs --budget size=PERCENT%, size=BYTES or cosine=MIN");
        }
        List<Integer> candidates = new ArrayList<>();
        for (String part : (bits.isEmpty() ? "2,3,4,8" : bits).split(",")) {
            int b = integer("--bits", part.trim());
            QuantizationSpec.checkBits(b);
            candidates.add(b);
        }
        if (candidates.stream().distinct().count() < 2) {
            throw new IllegalArgumentException("a mixed plan chooses between widths: give --bits two or more of "
                    + QuantizationSpec.BITS + ", e.g. --bits 2,4,8 (default all four)");
        }
        return new QuantizeArguments(model, null, new MixedPrecision(candidates, groupSize, sym, Budget.parse(budget)),
                name, provider, count);
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number; got '" + value + "'");
        }
    }
}
