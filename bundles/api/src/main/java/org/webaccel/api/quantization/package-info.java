/**
 * Quantization: block-wise 2/3/4/8-bit weights, mixed precision chosen from measured sensitivity, and the
 * measurement of quantized variants against their float model in the browsers.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.webaccel.api.quantization;
