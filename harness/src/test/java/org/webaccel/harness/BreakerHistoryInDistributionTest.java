package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A breaker that really opens in the built distribution, started as a process with one Chromium worker: the
 * breaker counts every call as slow (slowCallMillis 1) and opens after two in a row, so two real inferences open
 * the worker's breaker. Its history then shows in {@code pool:breakers -v} (run through {@code bin/webaccel -c}),
 * on /metrics and on the dashboard in a headless Chromium. The command's output is saved to
 * {@code harness/target/pool-breakers-v.txt} and the page to {@code harness/target/dashboard-breakers.png}.
 */
public class BreakerHistoryInDistributionTest {
    private static DistributionProcess container;
    private static ProtocolClient client;

    @BeforeClass
    public static void start() throws Exception {
        container = DistributionProcess.start(home -> {
            Files.writeString(home.resolve("conf/org.webaccel.pool.config"), "minWorkers = I\"1\"\n");
            // the open delay outlasts the test: the breaker stays open while it is looked at
            Files.writeString(home.resolve("conf/org.webaccel.breaker.config"), String.join("\n",
                    "slowCallMillis = L\"1\"", "consecutiveFailures = I\"2\"", "backendConsecutiveFailures = I\"100\"",
                    "openDelayMillis = L\"600000\"", ""));
        });
        client = new ProtocolClient(container.base());
        ImageRequests.awaitReady(container, client);
    }

    @AfterClass
    public static void stop() {
        if (container != null) {
            container.close();
        }
    }

    /** @return the worker whose breaker opened, after running inferences until one did */
    private static JsonNode openWorkerBreaker() throws Exception {
        // with two workers taking turns, a third call gives one of them its second slow call in a row
        for (int i = 0; i < 8; i++) {
            ImageRequests.run(client, 1, i);
            for (JsonNode b : ProtocolClient.json(client.get("/dashboard/api/state")).path("breakers")) {
                if (b.path("scope").asText().equals("worker") && b.path("phase").asText().equals("open")) {
                    return b;
                }
            }
        }
        throw new AssertionError("no worker's breaker opened after 8 slow calls: " + container.diagnostics());
    }

    @Test
    public void anOpenedBreakerShowsItsHistoryInTheShellOnMetricsAndOnTheDashboard() throws Exception {
        JsonNode breaker = openWorkerBreaker();
        String worker = breaker.path("id").asText();
        JsonNode opened = breaker.path("transitions").path(breaker.path("transitions").size() - 1);
        assertEquals(breaker.toString(), "closed", opened.path("from").asText());
        assertEquals(breaker.toString(), "slow_call: 2 consecutive failures", opened.path("cause").asText());
        JsonNode lastFailure = breaker.path("failures").path(breaker.path("failures").size() - 1);
        assertEquals(breaker.toString(), "slow_call", lastFailure.path("kind").asText());
        assertTrue(breaker.toString(), lastFailure.path("message").asText().matches("took \\d+ ms; slow from 1 ms"));
        assertEquals(breaker.toString(), 1, breaker.path("transitionsInto").path("open").asInt());

        DistributionCopy.Run shell = container.command("pool:breakers -v");
        assertEquals(shell.toString(), 0, shell.exit());
        Files.writeString(Path.of("target", "pool-breakers-v.txt"), shell.out(), StandardCharsets.UTF_8);
        assertTrue(shell.out(), shell.out().matches("(?s).*\nworker +" + worker + " +chromium +open .*"));
        assertTrue(shell.out(), shell.out().contains("closed    -> open       slow_call: 2 consecutive failures"));
        assertTrue(shell.out(), shell.out().matches("(?s).*slow_call +took \\d+ ms; slow from 1 ms.*"));

        String metrics = new String(client.get("/metrics").body(), StandardCharsets.UTF_8);
        String id = "id=\"" + worker + "\"";
        assertEquals(metrics, 1, PrometheusText.sum(metrics, "webaccel_breaker_transitions_total", id,
                "to=\"open\"").orElseThrow(), 0);
        assertEquals(metrics, 0, PrometheusText.sum(metrics, "webaccel_breaker_transitions_total", id,
                "to=\"half_open\"").orElseThrow(), 0);
        assertTrue(metrics, PrometheusText.sum(metrics, "webaccel_breaker_phase_age_seconds", id).isPresent());

        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            Page page = chromium.browser().newPage(new com.microsoft.playwright.Browser.NewPageOptions()
                    .setViewportSize(1400, 1300));
            page.onConsoleMessage(m -> {
                if (m.type().equals("error")) {
                    errors.add(m.text());
                }
            });
            page.onPageError(errors::add);
            page.navigate(container.base().resolve("/dashboard/").toString());
            page.waitForFunction("() => Number(document.body.dataset.updates || 0) >= 1");
            String row = "#breaker-history tr[data-breaker='worker/" + worker + "']";
            String text = page.textContent(row);
            assertTrue(text, text.contains("closed \u2192 open: slow_call: 2 consecutive failures"));
            assertTrue(text, text.matches("(?s).*slow_call: took \\d+ ms; slow from 1 ms.*"));
            assertTrue(page.isVisible(row + " td.phase-open"));
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "dashboard-breakers.png"))
                    .setFullPage(true));
        }
        assertEquals("console errors: " + errors, List.of(), errors);
    }
}
