package org.webaccel.endpoint.internal;

import java.util.List;
import java.util.function.Supplier;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.model.ModelDescriptor;

/**
 * Finds models by name and version among those the pool can run, as the pool itself resolves
 * {@code name[:version]}, so that the endpoint can answer metadata and refuse unknown models and outputs
 * before anything is queued.
 */
final class ModelCatalog {
    private final Supplier<List<ModelDescriptor>> models;

    /** @param models the pool's models, newest version of each name last */
    ModelCatalog(Supplier<List<ModelDescriptor>> models) {
        this.models = models;
    }

    /**
     * @param name the model name
     * @param version a version, or null for the highest one
     * @return the model
     * @throws ModelNotFoundException with the pool's message: the id asked for and the known models
     */
    ModelDescriptor find(String name, String version) {
        List<ModelDescriptor> all = models.get();
        ModelDescriptor found = null;
        for (ModelDescriptor d : all) {
            // The list holds the highest version of a name last, so the last match is the default version.
            if (d.name().equals(name) && (version == null || d.version().equals(version))) {
                found = d;
            }
        }
        if (found == null) {
            throw new ModelNotFoundException("unknown model '" + (version == null ? name : name + ":" + version)
                    + "'; known models: " + all.stream().map(ModelDescriptor::id).toList());
        }
        return found;
    }

    /** @return the versions of the model named {@code name}, in the pool's order (highest last) */
    List<String> versions(String name) {
        return models.get().stream().filter(d -> d.name().equals(name)).map(ModelDescriptor::version).toList();
    }
}
