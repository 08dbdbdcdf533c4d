package org.webaccel.backend.edge.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code <executable> --version}, which proves that the executable runs and tells its version: Edge
 * answers {@code Microsoft Edge 131.0.2903.70}, its driver {@code Microsoft Edge WebDriver 131.0.2903.70 (...)}.
 */
final class VersionCommand {

    private static final Pattern VERSION = Pattern.compile("\\b(\\d+)\\.\\d+\\.\\d+\\.\\d+\\b");

    /** What {@code --version} told: the version, or why there is none. */
    record Answer(Optional<String> version, String problem) {

        /** @return the major version, e.g. 131 */
        int major() {
            return Integer.parseInt(version.orElseThrow().substring(0, version.get().indexOf('.')));
        }
    }

    private VersionCommand() {
    }

    static Answer run(Path executable, Duration timeout) {
        String command = executable + " --version";
        try {
            // stderr joins stdout: a pipe left unread could block the process
            Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return failed("'" + command + "' did not finish within " + timeout.toMillis() + " ms");
            }
            List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(line -> !line.isEmpty()).toList();
            if (process.exitValue() != 0) {
                return failed("'" + command + "' exited with code " + process.exitValue() + ": "
                        + (lines.isEmpty() ? "no output" : lines.get(lines.size() - 1)));
            }
            return parse(command, lines);
        } catch (IOException e) {
            return failed("cannot run '" + command + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("interrupted while running '" + command + "'");
        }
    }

    /** @return the first four-part version in the output */
    static Answer parse(String command, List<String> lines) {
        for (String line : lines) {
            Matcher matcher = VERSION.matcher(line);
            if (matcher.find()) {
                return new Answer(Optional.of(matcher.group()), null);
            }
        }
        return failed("'" + command + "' printed no version: " + String.join(" | ", lines));
    }

    private static Answer failed(String problem) {
        return new Answer(Optional.empty(), problem);
    }
}
