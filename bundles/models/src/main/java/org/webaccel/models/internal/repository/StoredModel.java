package org.webaccel.models.internal.repository;

import java.nio.file.Path;
import org.webaccel.api.model.ModelDescriptor;

/**
 * A usable model found in the repository folder.
 *
 * @param descriptor the parsed descriptor
 * @param modelFile its {@code model.onnx}
 */
record StoredModel(ModelDescriptor descriptor, Path modelFile) {
}
