package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensor.TensorBuilder;

/**
 * The protocol's JSON tensor data: a row-major array of numbers, booleans (BOOL) or strings (BYTES), flat or
 * nested, read into a tensor and written back from one.
 */
final class JsonTensorData {

    private JsonTensorData() {
    }

    /**
     * @param input the input's name, for messages
     * @param dtype the element type
     * @param shape the dimensions the request gives
     * @param data the {@code data} member: an array, nested arrays allowed
     * @return the tensor
     * @throws ProtocolException (400) naming the input, the element and what is wrong with it
     */
    static Tensor read(String input, DType dtype, long[] shape, JsonNode data) {
        String what = "input '" + input + "' (" + Datatype.of(dtype) + ")";
        if (!data.isArray()) {
            throw ProtocolException.badRequest(what + ": data must be an array, got " + data.getNodeType());
        }
        List<JsonNode> values = new ArrayList<>();
        flatten(data, values);
        long expected = ElementCount.of(shape, input);
        if (values.size() != expected) {
            throw ProtocolException.badRequest(what + " has shape " + Arrays.toString(shape) + " (" + expected
                    + " elements) but its data holds " + values.size() + " values");
        }
        TensorBuilder tensor;
        try {
            tensor = new TensorBuilder(dtype, shape);
        } catch (IllegalArgumentException e) {
            throw ProtocolException.badRequest(what + ": " + e.getMessage());
        }
        for (int i = 0; i < values.size(); i++) {
            JsonNode v = values.get(i);
            try {
                add(tensor, v);
            } catch (IllegalArgumentException e) {
                throw ProtocolException.badRequest(what + ": data[" + i + "] = " + v + " " + e.getMessage());
            }
        }
        return tensor.build();
    }

    // Nesting is as deep as the client wrote it; Jackson's own nesting limit bounds the recursion.
    private static void flatten(JsonNode node, List<JsonNode> into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        } else {
            into.add(node);
        }
    }

    /** Adds one JSON value as what it is; the builder refuses it when the element type takes no such value. */
    static void add(TensorBuilder tensor, JsonNode v) {
        if (!v.isValueNode() || v.isNull()) {
            throw new IllegalArgumentException("is " + v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                    + ", not an element value");
        }
        tensor.add(v.isNumber() ? v.numberValue() : v.isBoolean() ? (Object) v.booleanValue() : v.asText());
    }

    /**
     * Writes the tensor's elements as one flat JSON array: numbers, booleans for BOOL, strings for BYTES.
     *
     * @param json where to write
     * @param tensor the tensor
     * @throws IOException if the generator cannot write
     */
    static void write(JsonGenerator json, Tensor tensor) throws IOException {
        json.writeStartArray();
        for (Object v : tensor.values()) {
            json.writeObject(v);
        }
        json.writeEndArray();
    }
}
