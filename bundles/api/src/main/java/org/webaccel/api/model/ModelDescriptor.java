package org.webaccel.api.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 */
public record ModelDescriptor(String name, String version, ModelType type, String description,
        List<TensorSpec> inputs, List<TensorSpec> outputs, Map<String, Long> exampleDims) {

    /** Checks required fields and copies the collections. */
    public ModelDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        exampleDims = exampleDims == null ? Map.of() : Map.copyOf(exampleDims);
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
