package org.webaccel.api.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/** The models the platform can run: a folder of ONNX files, with optional descriptors, read while it runs. */
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

    /**
     * @return every model folder of the repository: the models served, and those that are not with the reason
     *         (an invalid folder, or a model unloaded by {@link #unload}), by name and version
     */
    default List<ModelState> index() {
        return list().stream().map(d -> new ModelState(d.name(), d.version(), true, "")).toList();
    }

    /**
     * Reads every version of a model again from the repository and serves those that are valid: a model added
     * since the last scan, fixed, changed (a new load) or unloaded before.
     *
     * @param name the model name
     * @return what changed
     * @throws IllegalArgumentException when the repository holds no valid version of that name, with each
     *         version's reason
     * @throws UnsupportedOperationException when this repository cannot load models while it runs
     */
    default ModelChange load(String name) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot load models while it runs");
    }

    /**
     * Loads a model like {@link #load}, and has the pool load every version that was served already anew
     * (reported as replaced) even when its files did not change: requests keep being served, sessions are
     * created again from the files.
     *
     * @param name the model name
     * @return what changed
     * @throws IllegalArgumentException as {@link #load}
     * @throws UnsupportedOperationException when this repository cannot load models while it runs
     */
    default ModelChange reload(String name) {
        return load(name);
    }

    /**
     * Stops serving every version of a model, leaving its files: requests already running end, queued ones
     * fail with {@link org.webaccel.api.ModelNotFoundException}. It stays unloaded until {@link #load}.
     *
     * @param name the model name
     * @return what changed
     * @throws IllegalArgumentException when no version of that name is served
     * @throws UnsupportedOperationException when this repository cannot unload models
     */
    default ModelChange unload(String name) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot unload models");
    }

    /**
     * Registers a listener told of every change: models added to or removed from the folder while it runs, and
     * {@link #load}/{@link #unload}. It is called on the repository's own thread, after the change is visible
     * to {@link #find}; it must not block.
     *
     * @param listener receives each change
     * @return closes the registration
     */
    default AutoCloseable listen(Consumer<ModelChange> listener) {
        return () -> {
        };
    }
}
