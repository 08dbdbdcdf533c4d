package org.webaccel.bridge.internal;

import java.nio.file.Path;
import java.util.Optional;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;

/**
 * Which file of the model repository a request for {@code /models/NAME/VERSION/FILE} names: the model's
 * {@code model.onnx}, or one of the external data files its descriptor lists. Nothing else of a model's folder is
 * served (not its descriptor.json, not any other file put beside it), so the folder's contents are never listed
 * or guessed through the bridge.
 */
final class ModelFiles {
    /** The name under which every model's graph is served, whatever the repository calls its file. */
    static final String MODEL_FILE = "model.onnx";

    private final ModelRepository models;

    ModelFiles(ModelRepository models) {
        this.models = models;
    }

    /**
     * @param name a model name, a plain path segment
     * @param version its version, a plain path segment
     * @param file the file asked for, a plain path segment
     * @return the file to serve, or empty when the repository has no such model or the model no such file
     */
    Optional<Path> find(String name, String version, String file) {
        Optional<ModelDescriptor> model = models.find(name, version);
        if (model.isEmpty()) {
            return Optional.empty();
        }
        if (file.equals(MODEL_FILE)) {
            return Optional.of(models.modelFile(model.get()));
        }
        if (model.get().externalData().contains(file)) {
            return Optional.of(models.modelFile(model.get()).resolveSibling(file));
        }
        return Optional.empty();
    }
}
