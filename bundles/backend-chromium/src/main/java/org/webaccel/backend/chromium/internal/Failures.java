package org.webaccel.backend.chromium.internal;

import java.util.List;

/** Playwright's error messages run to many lines of call log; one line says what happened. */
final class Failures {

    /** Playwright wraps the driver's errors as {@code Error {\n  message='...\n  name='...\n  stack='...}}. */
    private static final String DRIVER_ERROR = "Error {";
    private static final String DRIVER_MESSAGE = "message='";

    private Failures() {
    }

    /**
     * @param failure an error from Playwright or the JDK
     * @return the line of its message that says what happened, or its type when it has no message
     */
    static String firstLine(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        List<String> lines = message.strip().lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (lines.get(0).equals(DRIVER_ERROR)) {
            for (String line : lines) {
                if (line.startsWith(DRIVER_MESSAGE)) {
                    return line.substring(DRIVER_MESSAGE.length()).strip();
                }
            }
        }
        return lines.get(0);
    }
}
