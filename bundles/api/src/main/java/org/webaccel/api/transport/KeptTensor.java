package org.webaccel.api.transport;

import org.webaccel.api.tensor.DType;

/**
 * An output the page kept instead of sending back.
 *
 * @param output the output's name
 * @param id the id the request gave it
 * @param dtype element type
 * @param shape dimensions
 * @param byteSize its size in bytes
 * @param location {@code cpu} or {@code gpu-buffer}, as ONNX Runtime Web reports the tensor's location
 */
public record KeptTensor(String output, String id, DType dtype, long[] shape, long byteSize, String location) {
}
