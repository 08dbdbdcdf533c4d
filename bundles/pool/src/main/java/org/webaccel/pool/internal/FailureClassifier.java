package org.webaccel.pool.internal;

import java.util.List;
import java.util.Locale;
import org.webaccel.api.health.FailureClass;

/**
 * Names the class of an error a page reported. ONNX Runtime Web has no error codes, so the class is read from
 * the error's name and message; the patterns are the ones its wasm and WebGPU builds raise.
 */
final class FailureClassifier {
    private static final List<String> OUT_OF_MEMORY = List.of("out of memory", "aborted(oom)", "bad_alloc",
            "memory.grow", "maximum memory size", "array buffer allocation failed", "failed to allocate",
            "could not allocate", "gpuoutofmemoryerror", "device was lost", "device lost");
    private static final List<String> UNSUPPORTED = List.of("could not find an implementation", "not_implemented",
            "no available backend found", "unsupported", "is not supported", "not support", "no working webnn");
    private static final List<String> INVALID_INPUT = List.of("invalid dimensions", "invalid rank",
            "unexpected input data type", "is missing in 'feeds'", "invalid input", "sharedtensormissing");

    private FailureClassifier() {
    }

    /**
     * @param errorName the JavaScript error's name (e.g. {@code RangeError}), or empty
     * @param message the error's message
     * @return the class; {@link FailureClass#MODEL_ERROR} when nothing more specific matches
     */
    static FailureClass classify(String errorName, String message) {
        String text = ((errorName == null ? "" : errorName) + ": " + (message == null ? "" : message))
                .toLowerCase(Locale.ROOT);
        if (matches(text, OUT_OF_MEMORY)) {
            return FailureClass.OUT_OF_MEMORY;
        }
        if (matches(text, UNSUPPORTED)) {
            return FailureClass.UNSUPPORTED_OPERATOR;
        }
        if (matches(text, INVALID_INPUT)) {
            return FailureClass.INVALID_INPUT;
        }
        return FailureClass.MODEL_ERROR;
    }

    private static boolean matches(String text, List<String> patterns) {
        return patterns.stream().anyMatch(text::contains);
    }
}
