package org.webaccel.models.internal.graph;

/**
 * A tensor of an ONNX model whose data lives in a file beside the model ({@code data_location} EXTERNAL), as its
 * {@code external_data} entries say, unchecked.
 *
 * @param owner what holds the tensor, for messages, e.g. {@code initializer 'w'}
 * @param location the {@code location} entry: the file, relative to the model's folder; null when missing
 * @param offset the {@code offset} entry: where its bytes start in the file; null when missing (0)
 * @param length the {@code length} entry: how many bytes it has; null when missing (to the end of the file)
 */
public record ExternalTensor(String owner, String location, String offset, String length) {
}
