package org.webaccel.api.quantization;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Writes quantized variants of the repository's models. A variant is a new model in the repository, with
 * the float model's inputs and outputs, that ONNX Runtime Web runs on every execution provider it
 * offers. Bad arguments and impossible budgets fail before anything is written.
 */
@ProviderType
public interface Quantizer {

    /**
     * Quantizes every weight of the model at one width.
     *
     * @param model {@code name} or {@code name:version} of a float model in the repository
     * @param spec bits, group size, symmetry
     * @param variantName the new model's name, or null for {@code <name>-<spec tag>}, e.g. {@code text-encoder-q4g32s}
     * @return the variant with its sizes and calibration accuracy
     * @throws QuantizationException when the model is unknown or has no weights to quantize, or the name is taken
     */
    QuantizedModel quantize(String model, QuantizationSpec spec, String variantName) throws QuantizationException;

    /**
     * Measures each layer's sensitivity at each candidate width and quantizes each layer at the width that
     * keeps the whole model within the budget with the least error (size budget) or the fewest bytes
     * (accuracy budget).
     *
     * @param variantName the new model's name, or null for {@code <name>-mixed-<budget tag>}
     * @throws QuantizationException as {@link #quantize}, and when no plan meets the budget
     */
    QuantizedModel quantizeMixed(String model, MixedPrecision mixed, String variantName) throws QuantizationException;
}
