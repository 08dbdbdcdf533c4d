package org.webaccel.shell.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceCall;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;

/** Files of calls for {@code pool:inferall}: read whole, checked before anything runs. */
public class CallFileTest {
    private static final ModelDescriptor MODEL = new ModelDescriptor("enc", "1", ModelType.TEXT_EMBEDDING, "",
            List.of(TensorSpec.of("ids", DType.INT64, Dim.symbolic("batch"), Dim.of(3))), List.of(), Map.of());

    private static ModelDescriptor find(String name) {
        if (!name.startsWith("enc")) {
            throw new ModelNotFoundException("unknown model '" + name + "'; known models: [enc:1]");
        }
        return MODEL;
    }

    private static List<InferenceCall> read(String text) throws Exception {
        Path f = Files.createTempFile("calls", ".json");
        try {
            Files.writeString(f, text);
            return CallFile.read(f, CallFileTest::find, new InputFactory());
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.getMessage().replace(f.toString(), "FILE"));
        } finally {
            Files.delete(f);
        }
    }

    private static void refused(String text, String message) throws Exception {
        try {
            read(text);
            fail("accepted " + text);
        } catch (InvalidInputException e) {
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    public void everyFieldReachesItsCallInTheFilesOrder() throws Exception {
        List<InferenceCall> calls = read("[{\"model\": \"enc\", \"random\": true, \"seed\": 3},"
                + "{\"model\": \"enc:1\", \"inputs\": {\"ids\": {\"shape\": [1, 3], \"data\": [1, 2, 3]}},"
                + " \"ep\": \"webgpu\", \"timeout\": 5, \"priority\": 2, \"backend\": \"firefox\"},"
                + "{\"model\": \"enc\", \"random\": true, \"prefer_backend\": \"Chromium\"}]");
        assertEquals(3, calls.size());
        assertEquals("enc:1", calls.get(0).model());
        assertNull(calls.get(0).options().backend());
        assertEquals(ExecutionProvider.WASM, calls.get(0).options().executionProvider());
        InferenceCall second = calls.get(1);
        assertArrayEquals(new long[] {1, 2, 3}, second.inputs().get("ids").toLongs());
        assertEquals(ExecutionProvider.WEBGPU, second.options().executionProvider());
        assertEquals(Duration.ofSeconds(5), second.options().timeout());
        assertEquals(2, second.options().priority());
        assertEquals(BackendChoice.require("firefox"), second.options().backend());
        assertEquals(BackendChoice.prefer("chromium"), calls.get(2).options().backend());
    }

    @Test
    public void aMistakeAnywhereRefusesTheFileNamingTheCall() throws Exception {
        refused("{}", "call file FILE must hold a JSON array of calls, e.g. [{\"model\": \"text-encoder\", "
                + "\"random\": true}]");
        refused("[]", "call file FILE holds no calls");
        refused("[{\"model\": \"enc\", \"random\": true}, 7]", "call 1 in FILE must be a JSON object, got 7");
        refused("[{\"model\": \"enc\"}]", "call 0 in FILE needs exactly one of \"inputs\" or \"random\": true");
        refused("[{\"model\": \"enc\", \"random\": true, \"device\": 1}]", "call 0 in FILE: unknown field 'device'; "
                + "fields: [model, inputs, random, seed, ep, timeout, priority, backend, prefer_backend]");
        refused("[{\"model\": \"bert\", \"random\": true}]",
                "call 0 in FILE: unknown model 'bert'; known models: [enc:1]");
        refused("[{\"model\": \"enc\", \"random\": true, \"ep\": \"cuda\"}]", "call 0 in FILE: unknown execution "
                + "provider 'cuda'; expected one of [wasm, webgpu, webnn, auto]");
        refused("[{\"model\": \"enc\", \"random\": true, \"timeout\": 0}]",
                "call 0 in FILE: timeout must be positive, got PT0S");
        refused("[{\"model\": \"enc\", \"random\": true, \"backend\": \"a\", \"prefer_backend\": \"b\"}]",
                "call 0 in FILE: give \"backend\" (required) or \"prefer_backend\", not both");
        refused("[{\"model\": \"enc\", \"inputs\": {\"ids\": {\"shape\": [1, 3], \"data\": [1]}}}]",
                "input 'ids' in call 0 in FILE: shape [1,3] needs 3 values, data has 1");
    }
}
