package org.webaccel.harness;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Selenium Grid 4 standalone on 127.0.0.1 whose one node runs this machine's chromedriver and
 * Chromium, started as a child process on the class path the build resolved for it and stopped by its
 * process id with everything it started.
 */
public final class GridServer implements AutoCloseable {
    private final Process process;
    private final URI uri;
    private final Path log;

    public GridServer(Path folder) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        uri = URI.create("http://127.0.0.1:" + port);
        Path config = folder.resolve("grid.toml");
        String args = String.join(",", List.of("--headless", "--no-sandbox", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--enable-unsafe-webgpu").stream().map(a -> "\"" + a + "\"").toList());
        Files.writeString(config, "[server]\nhost = \"127.0.0.1\"\nport = " + port + "\n\n"
                + "[node]\ndetect-drivers = false\nselenium-manager = false\nmax-sessions = 2\n\n"
                + "[[node.driver-configuration]]\ndisplay-name = \"chromium\"\n"
                + "webdriver-executable = \"/usr/bin/chromedriver\"\nmax-sessions = 2\n"
                + "stereotype = '{\"browserName\":\"chrome\",\"platformName\":\"linux\",\"goog:chromeOptions\":"
                + "{\"binary\":\"/usr/bin/chromium\",\"args\":[" + args + "]}}'\n");
        String classpath = Files.readString(Path.of(System.getProperty("webaccel.grid.classpath"))).strip();
        log = folder.resolve("grid.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "org.openqa.selenium.grid.Main", "standalone", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SE_OFFLINE", "true");
        process = pb.start();
    }

    public URI uri() {
        return uri;
    }

    /** Waits until the Grid's /status says ready. */
    public GridServer awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new AssertionError("the Grid exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                String status = http.send(HttpRequest.newBuilder(uri.resolve("/status"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
                if (status.contains("\"ready\": true")) {
                    return this;
                }
            } catch (IOException notListeningYet) {
                // keep waiting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the Grid was not ready within " + timeout + ": " + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> started = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
