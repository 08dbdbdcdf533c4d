package org.webaccel.api.quantization;

import java.util.List;
import org.webaccel.api.model.ModelDescriptor;

/**
 * A quantized variant, now in the model repository.
 *
 * @param source the float model
 * @param variant the new model
 * @param sourceBytes the float model's file size
 * @param variantBytes the variant's file size
 * @param layers every quantized weight
 * @param calibrationCosine the lowest cosine similarity of any output to the float model's on the
 *        calibration inputs (ONNX Runtime on the CPU); an output of one value per input is compared over all
 *        the inputs together
 * @param calibrationMaxAbsError the largest absolute difference of any output value there
 * @param budget the budget of a mixed plan, or null for a uniform one
 * @param skipped the constant tensors left as they were (not float32, too small, inside a subgraph, ...),
 *        each with its reason
 * @since 1.1
 */
public record QuantizedModel(ModelDescriptor source, ModelDescriptor variant, long sourceBytes, long variantBytes,
        List<LayerQuantization> layers, double calibrationCosine, double calibrationMaxAbsError, Budget budget,
        List<SkippedWeight> skipped) {

    /** Copies the lists. */
    public QuantizedModel {
        layers = List.copyOf(layers);
        skipped = List.copyOf(skipped);
    }

    /** A variant whose skipped tensors are not known (the constructor of version 1.0). */
    public QuantizedModel(ModelDescriptor source, ModelDescriptor variant, long sourceBytes, long variantBytes,
            List<LayerQuantization> layers, double calibrationCosine, double calibrationMaxAbsError, Budget budget) {
        this(source, variant, sourceBytes, variantBytes, layers, calibrationCosine, calibrationMaxAbsError, budget,
                List.of());
    }
}
