package org.webaccel.shell.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceCall;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.tensor.Tensor;

/**
 * A file of inference calls for {@code pool:inferall}: a JSON array with one object per call, e.g.
 * {@code [{"model": "text-encoder", "random": true, "seed": 3}, {"model": "image-classifier", "inputs": {...},
 * "ep": "webgpu", "backend": "firefox"}]}. Fields: {@code model} (required); {@code inputs} (as in an input file)
 * or {@code random} true with an optional {@code seed}; {@code ep}, {@code timeout} (seconds), {@code priority};
 * {@code backend} (required) or {@code prefer_backend}. The whole file is read and checked before any call is
 * submitted: a mistake anywhere refuses it, naming the call and the field.
 */
final class CallFile {
    private static final List<String> FIELDS = List.of("model", "inputs", "random", "seed", "ep", "timeout",
            "priority", "backend", "prefer_backend");

    private CallFile() {
    }

    /**
     * @param file the JSON file
     * @param models finds a model by {@code name} or {@code name:version}; throws when there is none
     * @param inputs builds inputs from JSON or at random
     * @return the calls, in the file's order
     * @throws InvalidInputException naming the file, the call and what is wrong
     */
    static List<InferenceCall> read(Path file, Function<String, ModelDescriptor> models, InputFactory inputs) {
        JsonNode root = inputs.readJson(file, "call file");
        if (root == null || !root.isArray()) {
            throw new InvalidInputException("call file " + file + " must hold a JSON array of calls, e.g. "
                    + "[{\"model\": \"text-encoder\", \"random\": true}]");
        }
        if (root.isEmpty()) {
            throw new InvalidInputException("call file " + file + " holds no calls");
        }
        List<InferenceCall> calls = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            String where = "call " + i + " in " + file;
            try {
                calls.add(call(root.get(i), where, models, inputs));
            } catch (InvalidInputException e) {
                throw e;
            } catch (IllegalArgumentException | InferenceException e) {
                throw new InvalidInputException(where + ": " + e.getMessage());
            }
        }
        return calls;
    }

    private static InferenceCall call(JsonNode c, String where, Function<String, ModelDescriptor> models,
            InputFactory inputs) {
        if (!c.isObject()) {
            throw new InvalidInputException(where + " must be a JSON object, got " + c);
        }
        for (Iterator<String> it = c.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new InvalidInputException(where + ": unknown field '" + f + "'; fields: " + FIELDS);
            }
        }
        if (!c.path("model").isTextual()) {
            throw new InvalidInputException(where + " needs \"model\": a model name");
        }
        ModelDescriptor model = models.apply(c.get("model").textValue());
        boolean random = c.path("random").asBoolean(false);
        if (random == c.has("inputs")) {
            throw new InvalidInputException(where + " needs exactly one of \"inputs\" or \"random\": true");
        }
        Map<String, Tensor> in = random ? inputs.random(model, integer(c, "seed", 42, where))
                : inputs.fromJson(model, where, c.get("inputs"));
        InferenceOptions o = new InferenceOptions(ExecutionProvider.of(text(c, "ep", "wasm", where)),
                Duration.ofSeconds(integer(c, "timeout", 60, where)), (int) integer(c, "priority", 0, where));
        if (c.has("backend") && c.has("prefer_backend")) {
            throw new InvalidInputException(where + ": give \"backend\" (required) or \"prefer_backend\", not both");
        }
        if (c.has("backend")) {
            o = o.withBackend(BackendChoice.require(text(c, "backend", null, where)));
        } else if (c.has("prefer_backend")) {
            o = o.withBackend(BackendChoice.prefer(text(c, "prefer_backend", null, where)));
        }
        return new InferenceCall(model.id(), in, o);
    }

    private static String text(JsonNode c, String field, String absent, String where) {
        JsonNode v = c.get(field);
        if (v == null) {
            return absent;
        }
        if (!v.isTextual()) {
            throw new InvalidInputException(where + ": \"" + field + "\" must be a string, got " + v);
        }
        return v.textValue();
    }

    private static long integer(JsonNode c, String field, long absent, String where) {
        JsonNode v = c.get(field);
        if (v == null) {
            return absent;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InvalidInputException(where + ": \"" + field + "\" must be an integer, got " + v);
        }
        return v.intValue();
    }
}
