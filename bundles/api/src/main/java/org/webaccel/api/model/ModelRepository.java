package org.webaccel.api.model;

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
}
