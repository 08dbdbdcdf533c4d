package org.webaccel.api.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the pool knows about a model: identity, type and the signatures of its inputs and outputs.
 *
 * @param name the model name, unique in the repository
 * @param version the version, e.g. {@code 1}
 * @param type what kind of model it is
 * @param description one line for people
 * @param inputs input signatures in graph order
 * @param outputs output signatures in graph order
 * @param exampleDims a size for each symbolic dimension, used to build random inputs
 * @param precision the numeric precision of the model's weights, e.g. {@code fp32}, {@code fp16} or
 *        {@code int8}: lower case letters, digits, {@code .}, {@code _} and {@code -}; {@link #DEFAULT_PRECISION}
 *        when null or blank
 * @param externalData the files beside the model file that hold weights its graph keeps outside it (ONNX
 *        external data), by the plain file names the graph gives as their locations, each once; empty when the
 *        model file holds all its weights. A page is given these files with the model
 * @since 1.4
 */
public record ModelDescriptor(String name, String version, ModelType type, String description,
        List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, Long> exampleDims, String precision,
        List<String> externalData) {

    /** The precision of a model whose descriptor names none. */
    public static final String DEFAULT_PRECISION = "fp32";

    private static final Pattern PRECISION = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");

    /**
     * Checks required fields and the precision, and copies the collections.
     *
     * @throws IllegalArgumentException when the precision is not a short lower-case word, or an external data
     *         file is not a plain file name
     */
    public ModelDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        exampleDims = exampleDims == null ? Map.of() : Map.copyOf(exampleDims);
        precision = precision == null || precision.isBlank() ? DEFAULT_PRECISION : precision;
        if (!PRECISION.matcher(precision).matches()) {
            throw new IllegalArgumentException("precision '" + precision + "' of model '" + name + "' must be "
                    + "1-32 lower case letters, digits, '.', '_' or '-', e.g. fp32, fp16, int8");
        }
        externalData = externalData == null ? List.of() : List.copyOf(externalData);
        for (String file : externalData) {
            if (file.isEmpty() || file.equals(".") || file.equals("..") || file.contains("/")
                    || file.contains("\\")) {
                throw new IllegalArgumentException("external data file '" + file + "' of model '" + name
                        + "' must be a plain file name beside the model file");
            }
        }
    }

    /**
     * A descriptor of a model whose file holds all its weights.
     *
     * @param name the model name
     * @param version the version
     * @param type what kind of model it is
     * @param description one line for people
     * @param inputs input signatures in graph order
     * @param outputs output signatures in graph order
     * @param exampleDims a size for each symbolic dimension
     * @param precision the numeric precision of the weights; {@link #DEFAULT_PRECISION} when null or blank
     */
    public ModelDescriptor(String name, String version, ModelType type, String description,
            List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, Long> exampleDims, String precision) {
        this(name, version, type, description, inputs, outputs, exampleDims, precision, List.of());
    }

    /**
     * A descriptor of a model with {@link #DEFAULT_PRECISION fp32} weights.
     *
     * @param name the model name
     * @param version the version
     * @param type what kind of model it is
     * @param description one line for people
     * @param inputs input signatures in graph order
     * @param outputs output signatures in graph order
     * @param exampleDims a size for each symbolic dimension
     */
    public ModelDescriptor(String name, String version, ModelType type, String description,
            List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, Long> exampleDims) {
        this(name, version, type, description, inputs, outputs, exampleDims, DEFAULT_PRECISION);
    }

    /**
     * @param files the external data files of the model, as for {@link #externalData()}
     * @return this descriptor with those external data files
     * @since 1.4
     */
    public ModelDescriptor withExternalData(List<String> files) {
        return new ModelDescriptor(name, version, type, description, inputs, outputs, exampleDims, precision,
                files);
    }

    /** @return the input named {@code inputName} */
    public Optional<TensorSpec> input(String inputName) {
        return inputs.stream().filter(s -> s.name().equals(inputName)).findFirst();
    }

    /** @return {@code name:version} */
    public String id() {
        return name + ":" + version;
    }
}
