package org.webaccel.api.quantization;

/**
 * A constant tensor of a model that quantization left as it was, and why.
 *
 * @param name the initializer's (or Constant node's output's) name
 * @param elements number of values
 * @param type its ONNX element type, e.g. {@code FLOAT} or {@code INT64}
 * @param bytes bytes it takes in the model file (0 when stored as external data)
 * @param reason why it stays as it is, e.g. {@code fewer than 256 values} or {@code not float32}
 */
public record SkippedWeight(String name, long elements, String type, long bytes, String reason) {
}
