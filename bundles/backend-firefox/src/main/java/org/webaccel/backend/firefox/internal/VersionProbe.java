package org.webaccel.backend.firefox.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.webaccel.api.spi.BackendDescription;

/** Asks the Firefox binary for its version, which also proves that it runs. */
final class VersionProbe {

    static final String NAME = "firefox";
    static final String FAMILY = "firefox";
    private static final String UNKNOWN = "unknown";

    /** Firefox answers e.g. {@code Mozilla Firefox 153.7.0esr}. */
    private static final Pattern VERSION = Pattern.compile("\\bFirefox (\\d+\\.\\d+(?:\\.\\d+)?[a-z0-9]*)");

    private final Path executable;
    private final Duration timeout;

    VersionProbe(Path executable, Duration timeout) {
        this.executable = executable;
        this.timeout = timeout;
    }

    /** @return available with the version, or unavailable with what went wrong */
    BackendDescription probe() {
        if (!Files.exists(executable)) {
            return unavailable("Firefox executable " + executable + " does not exist");
        }
        if (Files.isDirectory(executable) || !Files.isExecutable(executable)) {
            return unavailable("Firefox executable " + executable + " is not an executable file");
        }
        String command = executable + " --version";
        Process process = null;
        try {
            // stderr joins stdout: one pipe to read, and nothing left unread that could block the process.
            process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return unavailable("'" + command + "' did not finish within " + timeout.toMillis() + " ms");
            }
            List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
            if (process.exitValue() != 0) {
                String said = lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
                return unavailable("'" + command + "' exited with code " + process.exitValue() + ": " + said);
            }
            for (String line : lines) {
                Matcher matcher = VERSION.matcher(line);
                if (matcher.find()) {
                    return BackendDescription.available(NAME, FAMILY, matcher.group(1));
                }
            }
            return unavailable("'" + command + "' printed no Firefox version: " + String.join(" | ", lines));
        } catch (IOException e) {
            return unavailable("cannot run '" + command + "': " + e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return unavailable("interrupted while running '" + command + "'");
        }
    }

    private static BackendDescription unavailable(String reason) {
        return BackendDescription.unavailable(NAME, FAMILY, UNKNOWN, reason);
    }
}
