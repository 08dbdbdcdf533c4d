package org.webaccel.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.Test;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;

public class InferParametersTest {
    private final ObjectMapper json = new ObjectMapper();

    private InferParameters parse(String parameters) throws Exception {
        return InferParameters.parse(json.readTree(parameters));
    }

    private String refused(String parameters) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> parse(parameters));
        assertEquals(400, e.status());
        return e.getMessage();
    }

    @Test
    public void noParametersMeansThePoolDefaults() throws Exception {
        assertSame(InferParameters.DEFAULTS, InferParameters.parse(null));
        assertEquals(InferenceOptions.defaults(), parse("{}").options());
        assertFalse(parse("{}").binaryDataOutput());
    }

    @Test
    public void mapsExecutionProviderAndTimeoutInMicroseconds() throws Exception {
        InferParameters p = parse("{\"execution_provider\": \"webgpu\", \"timeout\": 2500000}");
        assertEquals(ExecutionProvider.WEBGPU, p.options().executionProvider());
        assertEquals(Duration.ofMillis(2500), p.options().timeout());
    }

    @Test
    public void aZeroTimeoutMeansTheDefaultAsInTriton() throws Exception {
        assertEquals(InferenceOptions.DEFAULT_TIMEOUT, parse("{\"timeout\": 0}").options().timeout());
    }

    @Test
    public void priorityLevelsMapOntoThePoolsPriorities() throws Exception {
        InferParameters p = parse("{\"priority\": 3}");
        assertEquals(3, p.priority());
        assertEquals(7, p.options().priority());
        assertEquals(9, parse("{\"priority\": 1}").options().priority());
        assertEquals(0, parse("{\"priority\": 0}").options().priority());
        assertEquals(0, parse("{\"priority\": 10}").options().priority());
        assertEquals(InferenceOptions.defaults().withPriority(7), p.options());
    }

    @Test
    public void binaryDataOutputIsABoolean() throws Exception {
        assertTrue(parse("{\"binary_data_output\": true}").binaryDataOutput());
        assertEquals("parameter binary_data_output must be true or false, got \"yes\"",
                refused("{\"binary_data_output\": \"yes\"}"));
    }

    @Test
    public void aBackendIsRequiredOrPreferred() throws Exception {
        assertEquals(BackendChoice.require("firefox"), parse("{\"backend\": \"firefox\"}").options().backend());
        assertEquals(BackendChoice.prefer("chromium"),
                parse("{\"prefer_backend\": \"Chromium\"}").options().backend());
        assertEquals("give parameter backend (required) or prefer_backend, not both",
                refused("{\"backend\": \"firefox\", \"prefer_backend\": \"chromium\"}"));
        assertEquals("parameter backend must be a backend name or browser family such as \"firefox\", got 3",
                refused("{\"backend\": 3}"));
        assertEquals("parameter prefer_backend must be a backend name or browser family such as \"firefox\", "
                + "got \" \"", refused("{\"prefer_backend\": \" \"}"));
    }

    @Test
    public void refusesWhatItCannotHonour() {
        assertEquals("unknown execution provider 'cuda'; expected one of [wasm, webgpu, webnn, auto]",
                refused("{\"execution_provider\": \"cuda\"}"));
        assertEquals("parameter timeout must be an integer >= 0, got -1", refused("{\"timeout\": -1}"));
        assertEquals("parameter priority must be an integer >= 0, got 1.5", refused("{\"priority\": 1.5}"));
        assertTrue(refused("{\"sequence_id\": 7}").startsWith("unsupported parameter 'sequence_id'; supported "
                + "parameters: execution_provider"));
        assertTrue(refused("[]").startsWith("parameters must be an object"));
    }
}
