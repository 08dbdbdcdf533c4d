/**
 * Tensors: typed, shaped, little-endian byte buffers exchanged with the pool.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.webaccel.api.tensor;
