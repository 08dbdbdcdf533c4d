package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;

/**
 * The request-level {@code parameters} of an inference request, mapped onto the pool's options.
 *
 * <ul>
 * <li>{@code execution_provider}: {@code wasm} (default), {@code webgpu} or {@code webnn}</li>
 * <li>{@code timeout}: microseconds from arrival to result, queue wait included, as in Triton's schedule
 * policy extension; 0 or absent means the pool's default of 60 s</li>
 * <li>{@code priority}: as in Triton, level 1 is served first, then 2, and so on; 0 (the default) ranks as
 * level 10. Mapped onto the pool's priority (higher first) as {@code 10 - level}</li>
 * <li>{@code binary_data_output}: true to return every output not otherwise asked for as binary data</li>
 * <li>{@code backend}: a backend's name or a browser family the request must run on; when none of them can
 * take it, the request fails at once (503)</li>
 * <li>{@code prefer_backend}: a backend's name or a browser family to run on when one of its workers is free</li>
 * </ul>
 *
 * Any other parameter is refused, so that a client never believes an option took effect when it did not.
 *
 * @param options the pool options
 * @param priority the priority level the client asked for (Triton's convention)
 * @param binaryDataOutput whether outputs default to binary data
 */
record InferParameters(InferenceOptions options, long priority, boolean binaryDataOutput) {

    /** The parameters a request without {@code parameters} has. */
    static final InferParameters DEFAULTS = new InferParameters(InferenceOptions.defaults(), 0, false);

    private static final String SUPPORTED = "execution_provider (wasm, webgpu, webnn), timeout (microseconds), "
            + "priority (1 first, then 2, ...; 0 default), binary_data_output (true or false), backend (a backend or "
            + "browser family, required), prefer_backend (a backend or browser family, preferred)";

    /**
     * @param parameters the {@code parameters} object of the request, or null
     * @return the parameters
     * @throws ProtocolException (400) for an unknown parameter or a value of the wrong kind
     */
    static InferParameters parse(JsonNode parameters) {
        if (parameters == null || parameters.isNull()) {
            return DEFAULTS;
        }
        if (!parameters.isObject()) {
            throw ProtocolException.badRequest("parameters must be an object; supported parameters: " + SUPPORTED);
        }
        InferenceOptions options = InferenceOptions.defaults();
        long priority = 0;
        boolean binary = false;
        for (Map.Entry<String, JsonNode> p : parameters.properties()) {
            JsonNode v = p.getValue();
            switch (p.getKey()) {
                case "execution_provider" -> options = options.withExecutionProvider(executionProvider(v));
                case "timeout" -> {
                    long micros = nonNegative("timeout", v);
                    if (micros > 0) {
                        options = options.withTimeout(Duration.of(micros, ChronoUnit.MICROS));
                    }
                }
                case "priority" -> priority = nonNegative("priority", v);
                case "binary_data_output" -> binary = bool("binary_data_output", v);
                case "backend", "prefer_backend" -> {
                    if (options.backend() != null) {
                        throw ProtocolException.badRequest("give parameter backend (required) or prefer_backend, "
                                + "not both");
                    }
                    String target = text(p.getKey(), v);
                    options = options.withBackend("backend".equals(p.getKey()) ? BackendChoice.require(target)
                            : BackendChoice.prefer(target));
                }
                default -> throw ProtocolException.badRequest("unsupported parameter '" + p.getKey()
                        + "'; supported parameters: " + SUPPORTED);
            }
        }
        return new InferParameters(options.withPriority(poolPriority(priority)), priority, binary);
    }

    /** Triton's levels (1 first; 0 = default, ranked as 10) onto the pool's priorities (higher first). */
    static int poolPriority(long level) {
        return level == 0 ? 0 : (int) Math.max(-1_000_000, 10 - level);
    }

    private static ExecutionProvider executionProvider(JsonNode v) {
        if (!v.isTextual()) {
            throw ProtocolException.badRequest("parameter execution_provider must be a string such as \"webgpu\", "
                    + "got " + v);
        }
        try {
            return ExecutionProvider.of(v.textValue());
        } catch (IllegalArgumentException e) {
            throw ProtocolException.badRequest(e.getMessage());
        }
    }

    private static String text(String name, JsonNode v) {
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw ProtocolException.badRequest("parameter " + name + " must be a backend name or browser family such "
                    + "as \"firefox\", got " + v);
        }
        return v.textValue();
    }

    private static long nonNegative(String name, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw ProtocolException.badRequest("parameter " + name + " must be an integer >= 0, got " + v);
        }
        return v.longValue();
    }

    /**
     * @param name the parameter's name, for the message
     * @param v its value
     * @return the boolean value
     * @throws ProtocolException (400) when it is not a JSON boolean
     */
    static boolean bool(String name, JsonNode v) {
        if (!v.isBoolean()) {
            throw ProtocolException.badRequest("parameter " + name + " must be true or false, got " + v);
        }
        return v.booleanValue();
    }
}
