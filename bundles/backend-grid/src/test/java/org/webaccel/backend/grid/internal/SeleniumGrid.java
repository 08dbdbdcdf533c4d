package org.webaccel.backend.grid.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.webaccel.testing.Processes;

/**
 * A real Selenium Grid 4 (standalone: router, distributor and one node in one process) on 127.0.0.1, run
 * as a child process on the classpath the build resolved for it, with one node slot type: this machine's
 * chromedriver and Chromium. Stopped by its process id, together with whatever it started.
 */
final class SeleniumGrid implements AutoCloseable {

    private static final String CHROMIUM_SWITCHES = "\"--headless\",\"--no-sandbox\",\"--disable-quic\",\"--no-first-run\","
            + "\"--disable-background-networking\",\"--disable-component-update\",\"--disable-sync\",\"--enable-unsafe-webgpu\"";

    private final Process process;
    private final URI uri;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    SeleniumGrid(Path folder, int maxSessions) throws IOException {
        Files.createDirectories(folder);
        int port = freePort();
        uri = URI.create("http://127.0.0.1:" + port);
        Path config = folder.resolve("grid.toml");
        Files.writeString(config, String.join("\n",
                "[server]",
                "host = \"127.0.0.1\"",
                "port = " + port,
                "",
                "[node]",
                "detect-drivers = false",
                "selenium-manager = false",
                "max-sessions = " + maxSessions,
                "",
                "[[node.driver-configuration]]",
                "display-name = \"chromium\"",
                "webdriver-executable = \"/usr/bin/chromedriver\"",
                "max-sessions = " + maxSessions,
                "stereotype = '{\"browserName\":\"chrome\",\"platformName\":\"linux\",\"goog:chromeOptions\":"
                        + "{\"binary\":\"/usr/bin/chromium\",\"args\":[" + CHROMIUM_SWITCHES + "]}}'",
                ""), StandardCharsets.UTF_8);
        String classpath = Files.readString(Path.of(System.getProperty("webaccel.grid.classpath"))).strip();
        log = folder.resolve("grid.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, "org.openqa.selenium.grid.Main", "standalone", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SE_OFFLINE", "true");
        process = builder.start();
    }

    URI uri() {
        return uri;
    }

    /** Waits until {@code /status} says ready; fails with the end of the Grid's log otherwise. */
    SeleniumGrid awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the Grid exited with " + process.exitValue() + ": " + logTail());
            }
            try {
                if (get("/status").contains("\"ready\": true")) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the Grid was not ready within " + timeout.toMillis() + " ms: " + logTail());
    }

    /**
     * @param marker a switch the test passed to its browsers through the backend's {@code browserArguments}
     * @return the browsers the Grid's node runs with that switch, one main process each
     */
    List<ProcessHandle> browsers(String marker) {
        return Processes.browsersCarrying(process.toHandle(), marker);
    }

    /** @return the ids of the sessions the Grid runs, from its GraphQL endpoint */
    List<String> sessionIds() throws Exception {
        String answer = http.send(HttpRequest.newBuilder(uri.resolve("/graphql"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"{ sessionsInfo { sessions { id } } }\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        List<String> ids = new ArrayList<>();
        Matcher matcher = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(answer);
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        return ids;
    }

    /** Ends a session as an operator or another client can: the W3C "Delete Session" command. */
    void deleteSession(String id) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri.resolve("/session/" + id)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new AssertionError("the Grid did not delete session " + id + ": " + answer.body());
        }
    }

    String logTail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** Stops the Grid by its process id, then kills whatever it started and left behind. */
    @Override
    public void close() throws Exception {
        List<ProcessHandle> started = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : started) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    private String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri.resolve(path)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
