package org.webaccel.api.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** The models the platform can run: a folder of ONNX files with their descriptors. */
@ProviderType
public interface ModelRepository {

    /** @return every model, newest version of each name last */
    List<ModelDescriptor> list();

    /**
     * Finds a model by name, and by version when given.
     *
     * @param name the model name
     * @param version a version, or null for the highest version of that name
     * @return the descriptor, or empty when no such model exists
     */
    Optional<ModelDescriptor> find(String name, String version);

    /**
     * @param model a descriptor this repository returned
     * @return the ONNX file of that model
     */
    Path modelFile(ModelDescriptor model);

    /**
     * Adds a model: writes its ONNX file and descriptor into the repository, all at once, so readers
     * see the model whole or not at all; it is found from then on.
     *
     * @param descriptor the new model's descriptor; {@code name:version} must not exist yet
     * @param onnx the ONNX file's bytes
     * @return the descriptor as the repository now serves it
     * @throws IllegalArgumentException when the name or version is invalid or the model exists
     * @throws IOException when the repository cannot be written
     * @throws UnsupportedOperationException when this repository takes no new models
     */
    default ModelDescriptor add(ModelDescriptor descriptor, byte[] onnx) throws IOException {
        throw new UnsupportedOperationException(getClass().getName() + " takes no new models");
    }
}
