package org.webaccel.distribution;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads feature descriptors in the OSGi Feature Service JSON format. Only what the assembler uses is read:
 * {@code id}, {@code bundles} (each an id string or an object with {@code id} and optional
 * {@code start-order}) and {@code configurations}; other keys ({@code name}, {@code description}, ...) are
 * left for other readers, as the format allows.
 */
public final class FeatureReader {

    /** The start order of a bundle entry that gives none: after the framework services, before the default shell. */
    public static final int DEFAULT_START_ORDER = 50;

    // the Feature format allows comments in descriptors
    private final ObjectMapper json = JsonMapper.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).build();

    /**
     * Reads every {@code *.json} file of a folder, in file name order so that the assembly is reproducible.
     *
     * @param folder the features folder
     * @return the features
     * @throws AssemblyException if the folder has no descriptor or one is malformed
     */
    public List<Feature> readAll(Path folder) throws AssemblyException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new AssemblyException("cannot list the features folder " + folder + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new AssemblyException("the features folder " + folder + " holds no *.json descriptor");
        }
        List<Feature> features = new ArrayList<>();
        for (Path file : files) {
            features.add(read(file));
        }
        return features;
    }

    /**
     * Reads one descriptor.
     *
     * @param file the descriptor
     * @return the feature
     * @throws AssemblyException if the file is not JSON or lacks the id or a bundle id
     */
    public Feature read(Path file) throws AssemblyException {
        String name = file.getFileName().toString();
        JsonNode root;
        try {
            root = json.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssemblyException(name + ": not a valid JSON feature descriptor: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new AssemblyException(name + ": a feature descriptor must be a JSON object");
        }
        String id = text(root.get("id"), name + ": the feature has no \"id\"");
        return new Feature(name, id, bundles(name, root.get("bundles")), configurations(name, root.get("configurations")));
    }

    private static List<FeatureBundle> bundles(String feature, JsonNode array) throws AssemblyException {
        List<FeatureBundle> bundles = new ArrayList<>();
        if (array == null) {
            return bundles;
        }
        if (!array.isArray()) {
            throw new AssemblyException(feature + ": \"bundles\" must be an array");
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode entry = array.get(i);
            String where = feature + ": bundles[" + i + "]";
            // the format allows a bare id string as well as an object with an "id"
            String id = text(entry.isObject() ? entry.get("id") : entry, where + " has no \"id\"");
            int startOrder = DEFAULT_START_ORDER;
            JsonNode order = entry.get("start-order");
            if (order != null) {
                if (!order.canConvertToInt() || order.asInt(-1) < 1 || order.asInt() > 999) {
                    throw new AssemblyException(where + ": \"start-order\" must be a whole number from 1 to 999, got " + order);
                }
                startOrder = order.asInt();
            }
            try {
                bundles.add(new FeatureBundle(MavenCoordinates.parse(id), startOrder, feature));
            } catch (IllegalArgumentException e) {
                throw new AssemblyException(where + ": " + e.getMessage(), e);
            }
        }
        return bundles;
    }

    private Map<String, Map<String, Object>> configurations(String feature, JsonNode object) throws AssemblyException {
        Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        if (object == null) {
            return configurations;
        }
        if (!object.isObject()) {
            throw new AssemblyException(feature + ": \"configurations\" must be an object keyed by PID");
        }
        for (Map.Entry<String, JsonNode> configuration : object.properties()) {
            if (!configuration.getValue().isObject()) {
                throw new AssemblyException(feature + ": configuration " + configuration.getKey() + " must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = json.convertValue(configuration.getValue(), LinkedHashMap.class);
            configurations.put(configuration.getKey(), properties);
        }
        return configurations;
    }

    private static String text(JsonNode node, String messageIfMissing) throws AssemblyException {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new AssemblyException(messageIfMissing);
        }
        return node.asText();
    }
}
