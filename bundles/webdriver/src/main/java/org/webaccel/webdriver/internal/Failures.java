package org.webaccel.webdriver.internal;

import java.net.ConnectException;
import java.util.List;

/**
 * Selenium's exception messages append build, system, driver and capability dumps to what the driver
 * said, and its generic ones ("Could not start a new session...") hide the cause that matters; a user
 * needs the driver's sentence and the cause.
 */
final class Failures {

    /** Lines Selenium adds after the driver's message. */
    private static final List<String> NOISE = List.of("(Session info:", "Build info:", "Host info:", "System info:",
            "Driver info:", "Command:", "JavaScript stack:", "Capabilities ", "Session ID:",
            "For documentation on this error");

    private Failures() {
    }

    /**
     * @param failure an exception from Selenium or the JDK
     * @return its own words and those of its causes, on one line; its type when none of them says anything
     */
    static String summary(Throwable failure) {
        String words = words(failure);
        return words != null ? words : failure.getClass().getSimpleName();
    }

    private static String words(Throwable failure) {
        String own = ownWords(failure);
        if (own == null && failure instanceof ConnectException) {
            // the JDK's HTTP client reports a refused connection without a message
            own = "connection refused";
        }
        Throwable cause = failure.getCause();
        String because = cause == null || cause == failure ? null : words(cause);
        if (own == null) {
            return because;
        }
        if (because == null || own.contains(because)) {
            return own;
        }
        return (own.endsWith(".") ? own.substring(0, own.length() - 1) : own) + ": " + because;
    }

    private static String ownWords(Throwable failure) {
        String message = failure.getMessage();
        Throwable cause = failure.getCause();
        if (message == null || cause != null && message.equals(cause.toString())) {
            // an exception made from its cause alone repeats the cause's type and message
            return null;
        }
        StringBuilder kept = new StringBuilder();
        for (String line : message.strip().lines().map(String::strip).toList()) {
            if (NOISE.stream().anyMatch(line::startsWith)) {
                break;
            }
            if (!line.isEmpty()) {
                kept.append(kept.length() == 0 ? "" : " ").append(line);
            }
        }
        // Selenium formats a missing cause message as the word null
        String words = kept.toString().replaceAll("\\s*\\bnull$", "").strip();
        return words.isEmpty() ? null : words;
    }
}
