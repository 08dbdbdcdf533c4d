package org.webaccel.backend.chromium.internal;

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

/** Asks the Chromium binary for its version, which also proves that it runs. */
final class VersionProbe {

    static final String NAME = "chromium";
    static final String FAMILY = "chromium";
    private static final String UNKNOWN = "unknown";

    /** Chromium answers e.g. {@code Chromium 156.0.8078.108 built on Debian GNU/Linux 12 (bookworm)}. */
    private static final Pattern VERSION = Pattern.compile("\\b(\\d+\\.\\d+\\.\\d+\\.\\d+)\\b");

    private final Path executable;
    private final Path node;
    private final Duration timeout;

    VersionProbe(Path executable, Path node, Duration timeout) {
        this.executable = executable;
        this.node = node;
        this.timeout = timeout;
    }

    /** @return available with the version, or unavailable with what went wrong */
    BackendDescription probe() {
        String missing = missingExecutable(executable, "Chromium executable");
        if (missing == null) {
            missing = missingExecutable(node, "Node.js executable (it runs Playwright's driver)");
        }
        if (missing != null) {
            return BackendDescription.unavailable(NAME, FAMILY, UNKNOWN, missing);
        }
        String command = executable + " --version";
        try {
            // stderr joins stdout: the Debian wrapper script prints a harmless shell warning there, and a
            // separate pipe left unread could block the process.
            Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return BackendDescription.unavailable(NAME, FAMILY, UNKNOWN,
                        "'" + command + "' did not finish within " + timeout.toMillis() + " ms");
            }
            List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
            if (process.exitValue() != 0) {
                String said = lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
                return BackendDescription.unavailable(NAME, FAMILY, UNKNOWN,
                        "'" + command + "' exited with code " + process.exitValue() + ": " + said);
            }
            for (String line : lines) {
                Matcher matcher = VERSION.matcher(line);
                if (matcher.find()) {
                    return BackendDescription.available(NAME, FAMILY, matcher.group(1));
                }
            }
            return BackendDescription.unavailable(NAME, FAMILY, UNKNOWN,
                    "'" + command + "' printed no version: " + String.join(" | ", lines));
        } catch (IOException e) {
            return BackendDescription.unavailable(NAME, FAMILY, UNKNOWN, "cannot run '" + command + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BackendDescription.unavailable(NAME, FAMILY, UNKNOWN, "interrupted while running '" + command + "'");
        }
    }

    private static String missingExecutable(Path path, String what) {
        if (!Files.exists(path)) {
            return what + " " + path + " does not exist";
        }
        if (Files.isDirectory(path) || !Files.isExecutable(path)) {
            return what + " " + path + " is not an executable file";
        }
        return null;
    }
}
