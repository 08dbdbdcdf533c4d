package org.webaccel.api.quantization;

import java.util.List;

/**
 * A mixed-precision request: each layer gets one of the candidate widths, chosen from its measured
 * sensitivity so that the whole model respects the budget.
 *
 * @param candidateBits the widths a layer may get, each one of {@link QuantizationSpec#BITS}
 * @param groupSize weights per block
 * @param symmetric symmetric blocks or blocks with zero points
 * @param budget the size or accuracy limit
 */
public record MixedPrecision(List<Integer> candidateBits, int groupSize, boolean symmetric, Budget budget) {

    /** @throws IllegalArgumentException for a bad width, group size or a missing budget */
    public MixedPrecision {
        if (candidateBits == null || candidateBits.isEmpty()) {
            throw new IllegalArgumentException("a mixed plan needs at least one candidate width from "
                    + QuantizationSpec.BITS);
        }
        candidateBits.forEach(QuantizationSpec::checkBits);
        candidateBits = candidateBits.stream().distinct().sorted().toList();
        QuantizationSpec.checkGroup(groupSize);
        if (budget == null) {
            throw new IllegalArgumentException("--mixed needs --budget size=PERCENT%, size=BYTES or cosine=MIN");
        }
    }
}
