package org.webaccel.models.internal.descriptor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;

/**
 * Reads and writes {@code descriptor.json}, the file beside each {@code model.onnx}; the format is
 * described in the bundle's README. Reading is strict, unknown fields included, because a misspelt
 * field silently ignored would surface much later as a confusing inference error.
 */
public final class DescriptorFormat {
    /** Names and versions become folder names, so they are restricted to characters safe in paths. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> TOP_FIELDS =
            Set.of("name", "version", "type", "description", "inputs", "outputs", "exampleDims", "precision");
    private static final Set<String> SPEC_FIELDS = Set.of("name", "dtype", "shape", "valueRange");

    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * @param file a descriptor file
     * @return the descriptor it holds
     * @throws InvalidDescriptorException naming the file and what is wrong, also when it cannot be read
     */
    public ModelDescriptor read(Path file) throws InvalidDescriptorException {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidDescriptorException(file.toString(), "file does not exist");
        } catch (IOException e) {
            throw new InvalidDescriptorException(file.toString(), "cannot be read: " + e);
        }
        return parse(file.toString(), json);
    }

    /**
     * @param source where the bytes came from, used in error messages
     * @param json the descriptor as UTF-8 JSON
     * @return the descriptor
     * @throws InvalidDescriptorException naming the source, the field and what is wrong
     */
    public ModelDescriptor parse(String source, byte[] json) throws InvalidDescriptorException {
        return new Reader(source).descriptor(tree(source, json), null);
    }

    private JsonNode tree(String source, byte[] json) throws InvalidDescriptorException {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidDescriptorException(source, "not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new InvalidDescriptorException(source, "cannot be read: " + e);
        }
    }

    /**
     * Reads a descriptor.json that adds to what a model's graph says: every field is optional, a field left
     * out is the graph's (name and version are the folders', the type {@code unknown}), and inputs and
     * outputs it lists must agree with the graph ({@link SignatureCheck}). A symbol without an example size gets
     * 1.
     *
     * @param file the descriptor file
     * @param graph the descriptor the graph gives
     * @param modelFile the model file, for messages
     * @return the descriptor
     * @throws InvalidDescriptorException naming the file, the field and what is wrong, or both files when they
     *         disagree
     */
    public ModelDescriptor readOver(Path file, ModelDescriptor graph, Path modelFile) throws InvalidDescriptorException {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidDescriptorException(file.toString(), "cannot be read: " + e);
        }
        ModelDescriptor d = new Reader(file.toString()).descriptor(tree(file.toString(), json), graph);
        SignatureCheck.agree("input", d.inputs(), graph.inputs(), file.toString(), modelFile.toString());
        SignatureCheck.agree("output", d.outputs(), graph.outputs(), file.toString(), modelFile.toString());
        return d;
    }

    /**
     * @param descriptor a descriptor
     * @return its JSON form, UTF-8, two-space indented with {@code \n} line ends and symbolic dimensions
     *         in sorted order, so the same descriptor always gives the same bytes
     */
    public byte[] write(ModelDescriptor descriptor) {
        ObjectNode root = mapper.createObjectNode();
        root.put("name", descriptor.name());
        root.put("version", descriptor.version());
        root.put("type", descriptor.type().id());
        root.put("description", descriptor.description());
        root.set("inputs", specs(descriptor.inputs()));
        root.set("outputs", specs(descriptor.outputs()));
        ObjectNode dims = root.putObject("exampleDims");
        new TreeMap<>(descriptor.exampleDims()).forEach(dims::put);
        // the default is left out, so descriptors written before the field existed keep their bytes
        if (!descriptor.precision().equals(ModelDescriptor.DEFAULT_PRECISION)) {
            root.put("precision", descriptor.precision());
        }
        // a fixed "\n" instead of the platform's line separator keeps the bytes the same everywhere
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        try {
            String text = mapper.writer(printer).writeValueAsString(root) + "\n";
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of strings and numbers failed to serialise", e);
        }
    }

    private ArrayNode specs(List<TensorSpec> specs) {
        ArrayNode array = mapper.createArrayNode();
        for (TensorSpec s : specs) {
            ObjectNode o = array.addObject();
            o.put("name", s.name());
            o.put("dtype", s.dtype().wireName());
            ArrayNode shape = o.putArray("shape");
            for (Dim d : s.shape()) {
                if (d.isSymbolic()) {
                    shape.add(d.symbol());
                } else {
                    shape.add(d.size());
                }
            }
            if (s.valueRange() != null) {
                o.putArray("valueRange").add(s.valueRange()[0]).add(s.valueRange()[1]);
            }
        }
        return array;
    }

    /** One parse: carries the source so every check can name it. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        /**
         * @param base the graph's descriptor, whose fields fill in what the file leaves out; null when the file
         *        must give every field
         */
        ModelDescriptor descriptor(JsonNode root, ModelDescriptor base) throws InvalidDescriptorException {
            if (root == null || root.isMissingNode()) {
                throw fail("", "file is empty; expected a JSON object");
            }
            if (!root.isObject()) {
                throw fail("", "expected a JSON object, found " + kind(root));
            }
            unknownFields(root, "", TOP_FIELDS);
            boolean all = base == null;
            String name = all || root.has("name") ? safeName(root, "name") : base.name();
            String version = all || root.has("version") ? version(root) : base.version();
            ModelType type = all || root.has("type") ? type(root) : base.type();
            String description = all || root.has("description") ? text(root, "description", false)
                    : base.description();
            List<TensorSpec> inputs = all || root.has("inputs") ? specs(root, "inputs") : base.inputs();
            List<TensorSpec> outputs = all || root.has("outputs") ? specs(root, "outputs") : base.outputs();
            Map<String, Long> exampleDims = exampleDims(root.get("exampleDims"));
            for (TensorSpec in : inputs) {
                for (Dim d : in.shape()) {
                    if (d.isSymbolic() && !exampleDims.containsKey(d.symbol())) {
                        if (all) {
                            throw fail("exampleDims", "has no size for '" + d.symbol() + "', used by input '"
                                    + in.name() + "'; random example inputs need one");
                        }
                        exampleDims.put(d.symbol(), 1L);
                    }
                }
            }
            String precision = text(root, "precision", false);
            if (root.has("precision") && precision.isBlank()) {
                throw fail("precision", "is empty; leave it out for fp32");
            }
            try {
                return new ModelDescriptor(name, version, type, description, inputs, outputs, exampleDims,
                        precision);
            } catch (IllegalArgumentException e) {
                throw fail("precision", e.getMessage());
            }
        }

        private ModelType type(JsonNode root) throws InvalidDescriptorException {
            try {
                return ModelType.of(text(root, "type", true));
            } catch (IllegalArgumentException e) {
                throw fail("type", e.getMessage());
            }
        }

        private String version(JsonNode root) throws InvalidDescriptorException {
            JsonNode v = root.get("version");
            // a bare number such as 2 is what people write; it means the folder "2"
            if (v != null && v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
                return Long.toString(v.asLong());
            }
            return safeName(root, "version");
        }

        private String safeName(JsonNode parent, String field) throws InvalidDescriptorException {
            return safeName(parent, field, field);
        }

        private String safeName(JsonNode parent, String field, String path) throws InvalidDescriptorException {
            String value = text(parent, field, true, path);
            if (!SAFE_NAME.matcher(value).matches()) {
                throw fail(path, "'" + value + "' may only hold letters, digits, '.', '_' and '-', "
                        + "and must start with a letter or digit");
            }
            return value;
        }

        private List<TensorSpec> specs(JsonNode root, String field) throws InvalidDescriptorException {
            JsonNode array = root.get(field);
            if (array == null || array.isNull()) {
                throw fail(field, "is missing; expected a list of {name, dtype, shape}");
            }
            // A model may have no inputs (its outputs are computed from constants), never no outputs.
            if (!array.isArray() || (array.isEmpty() && !field.equals("inputs"))) {
                throw fail(field, "expected a non-empty list of {name, dtype, shape}, found " + kind(array));
            }
            List<TensorSpec> specs = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < array.size(); i++) {
                TensorSpec spec = spec(array.get(i), field + "[" + i + "]");
                if (!names.add(spec.name())) {
                    throw fail(field + "[" + i + "].name", "'" + spec.name() + "' is used twice in " + field);
                }
                specs.add(spec);
            }
            return specs;
        }

        private TensorSpec spec(JsonNode node, String path) throws InvalidDescriptorException {
            if (!node.isObject()) {
                throw fail(path, "expected an object {name, dtype, shape}, found " + kind(node));
            }
            unknownFields(node, path + ".", SPEC_FIELDS);
            String name = text(node, "name", true, path + ".name");
            DType dtype;
            try {
                dtype = DType.of(text(node, "dtype", true, path + ".dtype"));
            } catch (IllegalArgumentException e) {
                throw fail(path + ".dtype", e.getMessage());
            }
            JsonNode shapeNode = node.get("shape");
            if (shapeNode == null || !shapeNode.isArray()) {
                throw fail(path + ".shape", "expected a list of sizes and symbol names such as [\"batch\", 128], found "
                        + kind(shapeNode));
            }
            List<Dim> shape = new ArrayList<>();
            for (int i = 0; i < shapeNode.size(); i++) {
                shape.add(dim(shapeNode.get(i), path + ".shape[" + i + "]"));
            }
            long[] range = valueRange(node.get("valueRange"), path + ".valueRange", dtype);
            return new TensorSpec(name, dtype, shape, range);
        }

        private Dim dim(JsonNode node, String path) throws InvalidDescriptorException {
            if (node.isIntegralNumber() && node.canConvertToLong() && node.asLong() >= 0) {
                return Dim.of(node.asLong());
            }
            if (node.isTextual() && !node.asText().isBlank()) {
                return Dim.symbolic(node.asText().trim());
            }
            throw fail(path, "expected a size >= 0 or a symbol name such as \"batch\", found " + kind(node));
        }

        private long[] valueRange(JsonNode node, String path, DType dtype) throws InvalidDescriptorException {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!dtype.isInteger()) {
                throw fail(path, "is only allowed for integer inputs, this one is " + dtype);
            }
            if (!node.isArray() || node.size() != 2 || !node.get(0).isIntegralNumber()
                    || !node.get(1).isIntegralNumber()) {
                throw fail(path, "expected [min, max] with two integers, found " + kind(node));
            }
            long min = node.get(0).asLong();
            long max = node.get(1).asLong();
            if (min > max) {
                throw fail(path, "min " + min + " is greater than max " + max);
            }
            return new long[] {min, max};
        }

        private Map<String, Long> exampleDims(JsonNode node) throws InvalidDescriptorException {
            Map<String, Long> dims = new LinkedHashMap<>();
            if (node == null || node.isNull()) {
                return dims;
            }
            if (!node.isObject()) {
                throw fail("exampleDims", "expected an object such as {\"batch\": 1}, found " + kind(node));
            }
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                JsonNode v = f.getValue();
                if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) {
                    throw fail("exampleDims." + f.getKey(), "expected a size >= 1, found " + kind(v));
                }
                dims.put(f.getKey(), v.asLong());
            }
            return dims;
        }

        private String text(JsonNode parent, String field, boolean required) throws InvalidDescriptorException {
            return text(parent, field, required, field);
        }

        private String text(JsonNode parent, String field, boolean required, String path)
                throws InvalidDescriptorException {
            JsonNode v = parent.get(field);
            if (v == null || v.isNull()) {
                if (required) {
                    throw fail(path, "is missing");
                }
                return "";
            }
            if (!v.isTextual()) {
                throw fail(path, "expected a string, found " + kind(v));
            }
            if (required && v.asText().isBlank()) {
                throw fail(path, "is empty");
            }
            return v.asText();
        }

        private void unknownFields(JsonNode node, String prefix, Set<String> known) throws InvalidDescriptorException {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!known.contains(n)) {
                    throw fail(prefix + n, "unknown field; expected one of " + known.stream().sorted().toList());
                }
            }
        }

        private static String kind(JsonNode node) {
            if (node == null || node.isMissingNode()) {
                return "nothing";
            }
            String text = node.toString();
            // enough to recognise the value without flooding a log line with a whole tensor list
            return node.getNodeType().name().toLowerCase(Locale.ROOT) + " "
                    + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
        }

        private InvalidDescriptorException fail(String path, String problem) {
            return new InvalidDescriptorException(source, path.isEmpty() ? problem : path + ": " + problem);
        }
    }
}
