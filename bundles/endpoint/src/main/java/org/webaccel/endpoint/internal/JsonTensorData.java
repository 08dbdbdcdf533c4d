package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Float16;
import org.webaccel.api.tensor.Tensor;

/**
 * The protocol's JSON tensor data: a row-major array of numbers (or booleans), flat or nested, read into
 * little-endian tensor bytes and written back from a tensor.
 */
final class JsonTensorData {

    private JsonTensorData() {
    }

    /**
     * @param input the input's name, for messages
     * @param dtype the element type
     * @param shape the dimensions the request gives
     * @param data the {@code data} member: an array, nested arrays allowed
     * @return the elements as little-endian bytes, row-major
     * @throws ProtocolException (400) naming the input, the element and what is wrong with it
     */
    static byte[] read(String input, DType dtype, long[] shape, JsonNode data) {
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
        if ((long) values.size() * dtype.byteSize() > Integer.MAX_VALUE - 8) {
            throw ProtocolException.badRequest(what + " has more elements than one tensor can hold");
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.size() * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.size(); i++) {
            put(bytes, dtype, values.get(i), what, i);
        }
        return bytes.array();
    }

    // Nesting is as deep as the client wrote it; Jackson's own nesting limit bounds the recursion.
    private static void flatten(JsonNode node, List<JsonNode> into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        } else {
            into.add(node);
        }
    }

    private static void put(ByteBuffer bytes, DType dtype, JsonNode v, String what, int index) {
        switch (dtype) {
            case FLOAT32 -> bytes.putFloat(number(v, what, index));
            case FLOAT16 -> bytes.putShort(Float16.fromFloat(number(v, what, index)));
            case INT64 -> bytes.putLong(integer(v, Long.MIN_VALUE, Long.MAX_VALUE, what, index));
            case INT32 -> bytes.putInt((int) integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE, what, index));
            case INT8 -> bytes.put((byte) integer(v, Byte.MIN_VALUE, Byte.MAX_VALUE, what, index));
            case UINT8 -> bytes.put((byte) integer(v, 0, 255, what, index));
            case BOOL -> bytes.put((byte) (bool(v, what, index) ? 1 : 0));
            default -> throw new IllegalStateException("no JSON reading for " + dtype);
        }
    }

    private static float number(JsonNode v, String what, int index) {
        if (!v.isNumber()) {
            throw ProtocolException.badRequest(what + ": data[" + index + "] = " + v + " is not a number");
        }
        return v.floatValue();
    }

    private static long integer(JsonNode v, long min, long max, String what, int index) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ProtocolException.badRequest(what + ": data[" + index + "] = " + v + " is not an integer"
                    + (v.isIntegralNumber() ? " that fits in 64 bits" : ""));
        }
        long l = v.longValue();
        if (l < min || l > max) {
            throw ProtocolException.badRequest(what + ": data[" + index + "] = " + l + " is out of range [" + min
                    + ", " + max + "]");
        }
        return l;
    }

    private static boolean bool(JsonNode v, String what, int index) {
        if (!v.isBoolean()) {
            throw ProtocolException.badRequest(what + ": data[" + index + "] = " + v + " is not true or false");
        }
        return v.booleanValue();
    }

    /**
     * Writes the tensor's elements as one flat JSON array: numbers, or booleans for BOOL.
     *
     * @param json where to write
     * @param tensor the tensor
     * @throws IOException if the generator cannot write
     */
    static void write(JsonGenerator json, Tensor tensor) throws IOException {
        json.writeStartArray();
        switch (tensor.dtype()) {
            case FLOAT32, FLOAT16 -> {
                for (float f : tensor.toFloats()) {
                    json.writeNumber(f);
                }
            }
            case BOOL -> {
                for (long l : tensor.toLongs()) {
                    json.writeBoolean(l != 0);
                }
            }
            default -> {
                for (long l : tensor.toLongs()) {
                    json.writeNumber(l);
                }
            }
        }
        json.writeEndArray();
    }
}
