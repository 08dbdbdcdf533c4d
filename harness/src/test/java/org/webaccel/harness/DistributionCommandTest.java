package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

/** The built distribution, started as a user would: {@code bin/webaccel -c 'pool:infer ...'}; any installed browser backend may compute. */
public class DistributionCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int exit, String out, String err) {
    }

    private static Run webaccel(String command) throws Exception {
        Path home = Distribution.home();
        Path out = Files.createTempFile("webaccel-out", ".txt");
        Path err = Files.createTempFile("webaccel-err", ".txt");
        Process p = new ProcessBuilder(home.resolve("bin/webaccel").toString(), "-c", command)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("bin/webaccel -c '" + command + "' did not end within 180 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    public void inferPrintsAResultComputedInChromiumThatMatchesTheNativeReference() throws Exception {
        ModelDescriptor image = new ModelDescriptor("image-classifier", "1", ModelType.VISION, "",
                List.of(TensorSpec.of("pixels", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(3), Dim.of(32),
                        Dim.of(32))), List.of(), Map.of());
        Map<String, Tensor> inputs = TestInputs.random(image, 77, 1);
        Path file = Files.createTempFile("pixels", ".json");
        ObjectNode root = JSON.createObjectNode();
        ObjectNode px = root.putObject("pixels");
        px.set("shape", JSON.valueToTree(inputs.get("pixels").shape()));
        px.set("data", JSON.valueToTree(inputs.get("pixels").toFloats()));
        JSON.writeValue(file.toFile(), root);

        Run run = webaccel("pool:infer image-classifier --input " + file + " --json");
        assertEquals(run.out + run.err, 0, run.exit);
        JsonNode result = JSON.readTree(run.out.substring(run.out.indexOf('{')));
        assertEquals("image-classifier:1", result.path("model").asText());
        assertTrue(result.toString(), List.of("chromium", "firefox").contains(result.path("backend").asText()));
        assertEquals("wasm", result.path("executionProvider").asText());
        assertTrue(result.path("timings").path("computeMs").asDouble() > 0);

        Path modelFile = Distribution.home().resolve("models/image-classifier/1/model.onnx");
        try (NativeReference ref = new NativeReference()) {
            Map<String, float[]> expected = ref.run(modelFile, inputs);
            for (String name : List.of("logits", "probabilities")) {
                float[] got = JSON.treeToValue(result.path("outputs").path(name).path("data"), float[].class);
                double diff = NativeReference.maxAbsDiff(expected.get(name), got);
                assertTrue(name + " differs from the native reference by " + diff, diff <= 1e-4);
            }
        }
    }

    @Test
    public void inferWithRandomInputsPrintsOutputsAndTimings() throws Exception {
        Run run = webaccel("pool:infer text-encoder --random");
        assertEquals(run.out + run.err, 0, run.exit);
        assertTrue(run.out, run.out.matches("(?s).*model     text-encoder:1 on worker (chromium|firefox)-.*"));
        assertTrue(run.out, run.out.matches("(?s).*output\\s+last_hidden_state\\s+float32\\[1, 16, 128\\].*"));
        assertTrue(run.out, run.out.matches("(?s).*output\\s+sentence_embedding\\s+float32\\[1, 128\\].*"));
        assertTrue(run.out, run.out.matches("(?s).*timings\\s+queued [0-9.]+ ms, load [0-9.]+ ms, transfer [0-9.]+ ms, "
                + "compute [0-9.]+ ms, total [0-9.]+ ms.*"));
    }

    @Test
    public void aFailingCommandExitsNonZeroWithItsReason() throws IOException, Exception {
        Run run = webaccel("pool:infer no-such-model --random");
        assertNotEquals(0, run.exit);
        assertTrue(run.err, run.err.contains("unknown model 'no-such-model'"));
    }
}
