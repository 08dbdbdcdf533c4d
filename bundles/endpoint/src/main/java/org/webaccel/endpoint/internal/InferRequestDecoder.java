package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

/**
 * Reads an inference request body: the protocol's JSON object, optionally followed by the binary tensor data
 * extension's raw input bytes. With the extension the JSON part is the first
 * {@code Inference-Header-Content-Length} bytes, and each input with a {@code binary_data_size} parameter takes
 * that many bytes of the rest, in input order.
 */
final class InferRequestDecoder {
    private static final Set<String> REQUEST_FIELDS = Set.of("id", "parameters", "inputs", "outputs");
    private static final Set<String> INPUT_FIELDS = Set.of("name", "shape", "datatype", "parameters", "data");
    private static final Set<String> OUTPUT_FIELDS = Set.of("name", "parameters");

    private final ObjectMapper json;

    /** @param json the mapper that parses the JSON part */
    InferRequestDecoder(ObjectMapper json) {
        this.json = json;
    }

    /**
     * @param body the whole request body
     * @param headerLength the {@code Inference-Header-Content-Length} header, or null when the body is JSON only
     * @return the request
     * @throws ProtocolException (400) saying what is malformed
     */
    InferRequest decode(byte[] body, Integer headerLength) {
        int jsonLength = headerLength == null ? body.length : headerLength;
        if (jsonLength < 0 || jsonLength > body.length) {
            throw ProtocolException.badRequest("Inference-Header-Content-Length is " + headerLength
                    + " but the body has " + body.length + " bytes");
        }
        JsonNode root = parse(body, jsonLength);
        checkFields(root, REQUEST_FIELDS, "the inference request");
        BinarySection binary = new BinarySection(body, jsonLength, headerLength != null);
        Map<String, Tensor> inputs = inputs(root.get("inputs"), binary);
        binary.checkAllUsed();
        return new InferRequest(id(root.get("id")), inputs, outputs(root.get("outputs")),
                InferParameters.parse(root.get("parameters")));
    }

    private JsonNode parse(byte[] body, int length) {
        try {
            JsonNode root = json.readTree(body, 0, length);
            if (root == null || !root.isObject()) {
                boolean empty = root == null || root.isMissingNode();
                throw ProtocolException.badRequest("the request body must be a JSON object with 'inputs'"
                        + (empty ? "; it is empty" : "; it is a JSON " + root.getNodeType()));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw ProtocolException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ProtocolException.badRequest("the request body cannot be read: " + e.getMessage());
        }
    }

    private static String id(JsonNode id) {
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isTextual()) {
            throw ProtocolException.badRequest("id must be a string, got " + id);
        }
        return id.textValue();
    }

    private static Map<String, Tensor> inputs(JsonNode inputs, BinarySection binary) {
        // An empty array is the request of a model without inputs.
        if (inputs == null || !inputs.isArray()) {
            throw ProtocolException.badRequest("the request needs 'inputs': an array of "
                    + "{\"name\", \"shape\", \"datatype\", \"data\"} ([] for a model without inputs)");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (JsonNode input : inputs) {
            String name = text(input, "name", "each input");
            checkFields(input, INPUT_FIELDS, "input '" + name + "'");
            DType dtype = Datatype.parse(text(input, "datatype", "input '" + name + "'"), name);
            long[] shape = shape(input.get("shape"), name);
            if (tensors.put(name, tensor(input, name, dtype, shape, binary)) != null) {
                throw ProtocolException.badRequest("input '" + name + "' is given twice");
            }
        }
        return tensors;
    }

    private static Tensor tensor(JsonNode input, String name, DType dtype, long[] shape, BinarySection binary) {
        Long binarySize = binaryDataSize(input.get("parameters"), name);
        JsonNode data = input.get("data");
        if (binarySize != null && data != null) {
            throw ProtocolException.badRequest("input '" + name + "' has both 'data' and a binary_data_size; give one");
        }
        if (binarySize != null && dtype == DType.STRING) {
            // BYTES elements have their own lengths: the bytes must hold exactly the shape's elements.
            byte[] bytes = binary.take(name, (int) Math.min(binarySize, Integer.MAX_VALUE));
            try {
                return Tensor.wrap(dtype, shape, bytes);
            } catch (IllegalArgumentException e) {
                throw ProtocolException.badRequest("input '" + name + "' (BYTES, shape " + Arrays.toString(shape)
                        + "): its binary data of " + binarySize + " bytes does not hold one 4-byte length and that "
                        + "many bytes per element: " + e.getMessage());
            }
        }
        if (binarySize != null) {
            long needed = ElementCount.of(shape, name) * dtype.byteSize();
            if (binarySize != needed) {
                throw ProtocolException.badRequest("input '" + name + "' is " + Datatype.of(dtype) + " of shape "
                        + Arrays.toString(shape) + ", which is " + needed + " bytes, but its binary_data_size is "
                        + binarySize);
            }
            return Tensor.wrap(dtype, shape, binary.take(name, (int) needed));
        }
        if (data == null) {
            throw ProtocolException.badRequest("input '" + name + "' has no data: give 'data' or, with the binary "
                    + "tensor data extension, parameters.binary_data_size");
        }
        return JsonTensorData.read(name, dtype, shape, data);
    }

    private static Long binaryDataSize(JsonNode parameters, String name) {
        if (parameters == null || parameters.isNull()) {
            return null;
        }
        if (!parameters.isObject()) {
            throw ProtocolException.badRequest("parameters of input '" + name + "' must be an object");
        }
        checkFields(parameters, Set.of("binary_data_size"), "the parameters of input '" + name + "'");
        JsonNode size = parameters.get("binary_data_size");
        if (size == null) {
            return null;
        }
        if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
            throw ProtocolException.badRequest("binary_data_size of input '" + name + "' must be an integer >= 0, "
                    + "got " + size);
        }
        return size.longValue();
    }

    private static long[] shape(JsonNode shape, String name) {
        if (shape == null || !shape.isArray()) {
            throw ProtocolException.badRequest("input '" + name + "' needs 'shape': an array of dimensions");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw ProtocolException.badRequest("input '" + name + "': shape " + shape + " must hold integers >= 0");
            }
            dims[i] = d.longValue();
        }
        return dims;
    }

    private static List<InferRequest.RequestedOutput> outputs(JsonNode outputs) {
        List<InferRequest.RequestedOutput> list = new ArrayList<>();
        if (outputs == null || outputs.isNull()) {
            return list;
        }
        if (!outputs.isArray()) {
            throw ProtocolException.badRequest("'outputs' must be an array of {\"name\", \"parameters\"}");
        }
        for (JsonNode output : outputs) {
            String name = text(output, "name", "each requested output");
            checkFields(output, OUTPUT_FIELDS, "requested output '" + name + "'");
            Boolean binary = null;
            JsonNode parameters = output.get("parameters");
            if (parameters != null && !parameters.isNull()) {
                if (!parameters.isObject()) {
                    throw ProtocolException.badRequest("parameters of output '" + name + "' must be an object");
                }
                checkFields(parameters, Set.of("binary_data"), "the parameters of output '" + name + "'");
                JsonNode b = parameters.get("binary_data");
                binary = b == null ? null : InferParameters.bool("binary_data", b);
            }
            list.add(new InferRequest.RequestedOutput(name, binary));
        }
        return list;
    }

    private static String text(JsonNode node, String field, String owner) {
        JsonNode v = node.isObject() ? node.get(field) : null;
        if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
            throw ProtocolException.badRequest(owner + " needs a '" + field + "' string; got " + node);
        }
        return v.textValue();
    }

    // Unknown members are refused: a misspelt "parameter" or "shape" silently ignored would run the wrong request.
    private static void checkFields(JsonNode node, Set<String> known, String owner) {
        node.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                throw ProtocolException.badRequest(owner + " has an unknown member '" + f + "'; expected "
                        + known.stream().sorted().toList());
            }
        });
    }
}
