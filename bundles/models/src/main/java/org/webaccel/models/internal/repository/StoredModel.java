package org.webaccel.models.internal.repository;

import java.nio.file.Path;
import org.webaccel.api.model.ModelDescriptor;

/**
 * A usable model found in the repository folder.
 *
 * @param descriptor the parsed descriptor
 * @param modelFile its {@code model.onnx}
 * @param revision the size and modification time of its files: another revision of the same name and version
 *        is a new load
 */
record StoredModel(ModelDescriptor descriptor, Path modelFile, String revision) {
}
