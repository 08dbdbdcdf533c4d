package org.webaccel.shell.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensor.TensorBuilder;

/**
 * Builds request inputs for the shell: random ones from a model's signature, or ones read from a JSON file
 * of the form {@code {"input_name": {"dtype": "int64", "shape": [1, 4], "data": [1, 2, 3, 4]}}} (dtype may be
 * left out: the model's is used). Data holds numbers, booleans (or 0 and 1) for bool, and text for string.
 */
final class InputFactory {
    private final ObjectMapper json = new ObjectMapper();

    /** Random inputs shaped by the descriptor's example sizes, values within each input's valid range. */
    Map<String, Tensor> random(ModelDescriptor model, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : model.inputs()) {
            long[] shape = spec.shape().stream()
                    .mapToLong(d -> d.isSymbolic() ? model.exampleDims().getOrDefault(d.symbol(), 1L) : d.size())
                    .toArray();
            TensorBuilder b = new TensorBuilder(spec.dtype(), shape);
            long[] range = spec.valueRange() != null ? spec.valueRange()
                    : spec.dtype() == DType.BOOL ? new long[] {0, 1} : new long[] {0, 9};
            for (int i = 0; i < b.count(); i++) {
                long v = range[0] + rnd.nextLong(range[1] - range[0] + 1);
                if (spec.dtype().isFloat()) {
                    b.addNumber(rnd.nextDouble() * 2 - 1);
                } else if (spec.dtype() == DType.BOOL) {
                    b.addBoolean(v != 0);
                } else if (spec.dtype() == DType.STRING) {
                    b.addString("w" + v);
                } else {
                    b.addInteger(v);
                }
            }
            inputs.put(spec.name(), b.build());
        }
        return inputs;
    }

    /**
     * @throws InvalidInputException naming the file and what is wrong in it
     */
    Map<String, Tensor> fromFile(ModelDescriptor model, Path file) {
        return fromJson(model, file.toString(), readJson(file, "input file"));
    }

    /**
     * @param what what the file is, for messages ("input file")
     * @return the file's JSON
     * @throws InvalidInputException when the file is missing, unreadable or not JSON
     */
    JsonNode readJson(Path file, String what) {
        try {
            return json.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(what + " " + file + " does not exist");
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(what + " " + file + " is not valid JSON: "
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    /**
     * @param where where the inputs come from, for messages
     * @param root a JSON object of inputs by name
     * @throws InvalidInputException naming what is wrong
     */
    Map<String, Tensor> fromJson(ModelDescriptor model, String where, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("inputs in " + where + " must be a JSON object of inputs by name");
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            inputs.put(e.getKey(), tensor(model, where, e.getKey(), e.getValue()));
        }
        return inputs;
    }

    private static Tensor tensor(ModelDescriptor model, String source, String name, JsonNode node) {
        String where = "input '" + name + "' in " + source;
        if (!node.isObject() || !node.path("shape").isArray() || !node.path("data").isArray()) {
            throw new InvalidInputException(where + " needs \"shape\" and \"data\" arrays");
        }
        DType dtype;
        try {
            dtype = node.has("dtype") ? DType.of(node.get("dtype").asText())
                    : model.input(name).map(TensorSpec::dtype).orElse(DType.FLOAT32);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ": " + e.getMessage());
        }
        long[] shape = new long[node.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get("shape").get(i);
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw new InvalidInputException(where + ": shape entries must be integers >= 0, got " + d);
            }
            shape[i] = d.asLong();
        }
        JsonNode data = node.get("data");
        long count;
        try {
            count = Tensor.elementCount(shape);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ": " + e.getMessage());
        }
        if (data.size() != count) {
            throw new InvalidInputException(where + ": shape " + node.get("shape") + " needs " + count
                    + " values, data has " + data.size());
        }
        TensorBuilder b = new TensorBuilder(dtype, shape);
        for (int i = 0; i < count; i++) {
            JsonNode v = data.get(i);
            try {
                if (v.isIntegralNumber() && dtype == DType.BOOL) {
                    b.addBoolean(v.longValue() != 0); // 0 and 1 are as good as false and true here
                } else {
                    b.add(v.isNumber() ? v.numberValue() : v.isBoolean() ? (Object) v.booleanValue() : v.textValue());
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(where + ": data[" + i + "] = " + v + " " + e.getMessage());
            }
        }
        return b.build();
    }
}
