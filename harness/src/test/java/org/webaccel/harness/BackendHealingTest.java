package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.Test;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.testing.Await;

/**
 * A backend that loses what it launches with, under load: the Chromium backend's unpacked Playwright driver and
 * its browser executable are deleted and its browser is killed. Its launches then fail; it waits longer after
 * each, reports itself unavailable with the reason everywhere an operator looks (pool:backends, the dashboard,
 * Prometheus, /v2/health/ready), unpacks the driver again, and serves again by itself once the executable is
 * back. Every request sent meanwhile ends with its result.
 */
public class BackendHealingTest {
    private static final int CONCURRENCY = 4;

    @Test
    public void aBackendThatCannotLaunchSaysWhyRepairsItsDriverAndComesBackByItself() throws Exception {
        Path tools = Files.createTempDirectory("webaccel-heal");
        Path executable = tools.resolve("chromium");
        Path driver = tools.resolve("driver");
        writeExecutable(executable);
        try (DistributionProcess container = DistributionProcess.start(home -> {
            // Chromium alone, so that readiness depends on it.
            try (Stream<Path> bundles = Files.list(home.resolve("bundle"))) {
                for (Path b : bundles.filter(b -> b.getFileName().toString().contains("org.webaccel.backend-")
                        && !b.getFileName().toString().contains("org.webaccel.backend-chromium-")).toList()) {
                    Files.delete(b);
                }
            }
            Files.writeString(home.resolve("conf/org.webaccel.backend.chromium.config"), "executable = \""
                    + executable + "\"\ndriverDirectory = \"" + driver + "\"\n");
            Files.writeString(home.resolve("conf/org.webaccel.pool.config"), "minWorkers = I\"2\"\nmaxBrowsers = I\"1\"\n"
                    + "maxPagesPerBrowser = I\"2\"\nmaintenanceIntervalSeconds = I\"1\"\n"
                    + "launchRetryInitialMillis = L\"200\"\nlaunchRetryMaxSeconds = L\"2\"\n"
                    + "unavailableAfterFailedLaunches = I\"3\"\n");
        })) {
            ProtocolClient client = new ProtocolClient(container.base());
            ImageRequests.awaitReady(container, client);
            assertTrue("the driver was unpacked into its configured folder", Files.isDirectory(driver));

            AtomicBoolean sending = new AtomicBoolean(true);
            List<CompletableFuture<HttpResponse<byte[]>>> sent = new ArrayList<>();
            Thread load = load(client, sending, sent);
            Await.until("requests served", () -> completed(sent) >= 10, container::diagnostics);

            deleteTree(driver);
            Files.delete(executable);
            long browser = browserPid(client);
            ProcessHandle.of(browser).ifPresent(ProcessHandle::destroyForcibly);

            JsonNode notReady = Await.value("/v2/health/ready says the backend is out of service", () -> ready(client),
                    r -> !r.path("ready").asBoolean() && r.path("backends").path(0).path("state").asText().equals("unavailable"));
            String reason = notReady.path("backends").path(0).path("reason").asText();
            assertTrue(reason, reason.contains("launches failed in a row"));
            assertTrue(reason, reason.contains(executable.toString()));

            JsonNode state = ProtocolClient.json(client.get("/dashboard/api/state"));
            JsonNode chromium = state.path("backends").path(0);
            assertEquals(state.toString(), "unavailable", chromium.path("state").asText());
            assertFalse(chromium.path("available").asBoolean());
            assertTrue(chromium.toString(), chromium.path("failedLaunches").asInt() >= 3);
            assertTrue(chromium.toString(), chromium.path("reason").asText().contains(executable.toString()));

            String metrics = new String(client.get("/metrics").body(), StandardCharsets.UTF_8);
            assertEquals(metrics, 0, PrometheusText.sum(metrics, "webaccel_backend_available", "backend=\"chromium\"")
                    .orElseThrow(), 0);
            assertTrue(metrics, PrometheusText.sum(metrics, "webaccel_backend_failed_launches", "backend=\"chromium\"")
                    .orElseThrow() >= 3);

            DistributionCopy.Run backends = container.command("pool:backends");
            assertEquals(backends.toString(), 0, backends.exit());
            assertTrue(backends.out(), backends.out().matches("(?s).*chromium\\s+chromium\\s+unavailable .*launches failed "
                    + "in a row.*" + executable + ".*"));

            writeExecutable(executable);
            Await.until("the backend serves again", () -> client.get("/v2/health/ready").statusCode() == 200,
                    container::diagnostics);
            try (Stream<Path> unpacked = Files.list(driver)) {
                Path folder = unpacked.filter(p -> p.getFileName().toString().startsWith("playwright-driver-"))
                        .findFirst().orElseThrow(() -> new AssertionError("no driver in " + driver));
                assertTrue("the driver was unpacked again", Files.isRegularFile(folder.resolve("package/cli.js")));
            }
            JsonNode back = ready(client).path("backends").path(0);
            assertEquals(back.toString(), "available", back.path("state").asText());

            int before = sent.size();
            Await.until("requests served after the backend came back", () -> completed(sent) >= before + 10,
                    container::diagnostics);
            sending.set(false);
            load.join(Await.PATIENCE.toMillis());
            for (CompletableFuture<HttpResponse<byte[]>> r : List.copyOf(sent)) {
                HttpResponse<byte[]> response = r.get(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertEquals(new String(response.body(), StandardCharsets.UTF_8), 200, response.statusCode());
            }
        } finally {
            deleteTree(tools);
        }
    }

    /** Requests at a fixed concurrency until told to stop; each waits up to five minutes for a worker. */
    private static Thread load(ProtocolClient client, AtomicBoolean sending,
            List<CompletableFuture<HttpResponse<byte[]>>> sent) {
        Thread t = new Thread(() -> {
            Semaphore slots = new Semaphore(CONCURRENCY);
            for (int i = 0; sending.get(); i++) {
                try {
                    slots.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                Map<String, Tensor> inputs = TestInputs.random(ImageRequests.IMAGE, 9000 + i, 1);
                CompletableFuture<HttpResponse<byte[]>> r = client.postAsync("/v2/models/image-classifier/infer",
                        ProtocolClient.inferRequest(inputs, true, ProtocolClient.object().put("timeout",
                                TimeUnit.MINUTES.toMicros(5)), "h" + i));
                r.whenComplete((x, e) -> slots.release());
                synchronized (sent) {
                    sent.add(r);
                }
            }
        }, "heal-load");
        t.start();
        return t;
    }

    private static int completed(List<CompletableFuture<HttpResponse<byte[]>>> sent) {
        synchronized (sent) {
            return (int) sent.stream().filter(CompletableFuture::isDone).count();
        }
    }

    private static JsonNode ready(ProtocolClient client) throws Exception {
        return ProtocolClient.json(client.get("/v2/health/ready"));
    }

    /** @return the process id of the browser the pool reports for its first worker */
    private static long browserPid(ProtocolClient client) throws Exception {
        JsonNode workers = ProtocolClient.json(client.get("/dashboard/api/state")).path("workers");
        for (JsonNode w : workers) {
            if (w.path("browserPid").asLong(-1) > 0) {
                return w.path("browserPid").asLong();
            }
        }
        throw new AssertionError("no worker reports its browser's pid: " + workers);
    }

    /** A Chromium of our own: a script that runs the system's, which the test can delete and restore. */
    private static void writeExecutable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\nexec /usr/bin/chromium \"$@\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private static void deleteTree(Path folder) throws Exception {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
