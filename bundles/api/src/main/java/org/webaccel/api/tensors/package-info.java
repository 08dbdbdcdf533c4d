/**
 * Cross-model tensor sharing: a model's outputs can stay in the page that computed them, and later requests of
 * other models on that page reference them by id instead of sending their bytes. See
 * {@link org.webaccel.api.tensors.TensorSharing}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.webaccel.api.tensors;
