package org.webaccel.example.devtools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.webaccel.api.spi.BackendDescription;

/** The Chromium executable, the command line this backend starts it with, and the probe of its version. */
final class ChromiumCommand {

    /**
     * Headless, and quiet on the network: without the networking switches Chromium keeps trying to reach
     * Google's services, which on a closed network only costs time. WebGPU needs the unsafe switch in
     * headless Chromium on Linux.
     */
    private static final List<String> SWITCHES = List.of("--headless", "--no-sandbox", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--enable-unsafe-webgpu");

    /** Chromium answers e.g. {@code Chromium 156.0.8078.108 built on Debian GNU/Linux 12 (bookworm)}. */
    private static final Pattern VERSION = Pattern.compile("\\b(\\d+\\.\\d+\\.\\d+\\.\\d+)\\b");

    private final Path executable;

    /** @param executable the Chromium executable, e.g. {@code /usr/bin/chromium} */
    ChromiumCommand(Path executable) {
        this.executable = executable;
    }

    /**
     * @param profile a fresh, empty folder for the browser's profile
     * @return the command line of one browser, serving DevTools on a port Chromium picks
     */
    List<String> launch(Path profile) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(SWITCHES);
        command.add("--user-data-dir=" + profile);
        // Port 0: Chromium binds a free port and prints it, so browsers never compete for a port.
        command.add("--remote-debugging-port=0");
        return command;
    }

    /**
     * Runs {@code chromium --version}, which also proves that the browser starts on this machine.
     *
     * @param name the backend's name, for the description
     * @return available with the version, or unavailable with what went wrong
     */
    BackendDescription probe(String name) {
        String family = "chromium";
        if (!Files.isExecutable(executable) || Files.isDirectory(executable)) {
            return BackendDescription.unavailable(name, family, "unknown",
                    "Chromium executable " + executable + " does not exist or is not executable");
        }
        try {
            // stderr joins stdout: Debian's wrapper script prints a harmless warning there, and an unread
            // pipe could block the process.
            Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return BackendDescription.unavailable(name, family, "unknown",
                        "'" + executable + " --version' did not finish within 30 s");
            }
            String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            Matcher version = VERSION.matcher(said);
            if (process.exitValue() == 0 && version.find()) {
                return BackendDescription.available(name, family, version.group(1));
            }
            return BackendDescription.unavailable(name, family, "unknown",
                    "'" + executable + " --version' exited with " + process.exitValue() + ": " + said);
        } catch (IOException e) {
            return BackendDescription.unavailable(name, family, "unknown",
                    "cannot run " + executable + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BackendDescription.unavailable(name, family, "unknown", "interrupted while probing " + executable);
        }
    }
}
