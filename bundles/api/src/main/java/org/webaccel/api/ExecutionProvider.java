package org.webaccel.api;

import java.util.Arrays;
import java.util.Locale;

/**
 * The ONNX Runtime Web execution providers a page can run a model on, and {@link #AUTO}: the pool chooses,
 * from its placement policy.
 */
public enum ExecutionProvider {
    WASM("wasm"),
    WEBGPU("webgpu"),
    WEBNN("webnn"),
    /** Not a provider: asks the pool to choose one (and the worker) by its placement policy. */
    AUTO("auto");

    private final String id;

    ExecutionProvider(String id) {
        this.id = id;
    }

    /** @return the name ONNX Runtime Web uses, e.g. {@code webgpu} */
    public String id() {
        return id;
    }

    /**
     * @param id a name such as {@code wasm}
     * @return the provider
     * @throws IllegalArgumentException naming the accepted providers
     */
    public static ExecutionProvider of(String id) {
        String n = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (ExecutionProvider e : values()) {
            if (e.id.equals(n)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown execution provider '" + id + "'; expected one of "
                + Arrays.stream(values()).map(ExecutionProvider::id).toList());
    }

    @Override
    public String toString() {
        return id;
    }
}
