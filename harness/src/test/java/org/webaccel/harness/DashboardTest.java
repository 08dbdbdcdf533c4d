package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.webaccel.testing.Await;

/**
 * The dashboard of the built distribution, started as a process, in a real headless Chromium driven by
 * Playwright: it loads without errors, its numbers and plots follow real inferences, it shows the trends of a
 * week of history that an older release wrote (schema version 1, migrated at start), and it saves a screenshot
 * to {@code harness/target/dashboard.png}.
 */
public class DashboardTest {
    private static DistributionProcess container;
    private static ProtocolClient client;
    private static HeadlessChromium chromium;
    private static Browser browser;

    @BeforeClass
    public static void start() throws Exception {
        container = DistributionProcess.start(home -> {
            Files.writeString(home.resolve("conf/org.webaccel.pool.config"), "minWorkers = I\"1\"\n");
            try {
                HistorySeed.write(home.resolve("data/metrics.duckdb"));
            } catch (SQLException e) {
                throw new IOException("cannot write the seeded history", e);
            }
        });
        client = new ProtocolClient(container.base());
        ImageRequests.awaitReady(container, client);
        chromium = new HeadlessChromium();
        browser = chromium.browser();
    }

    @AfterClass
    public static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (container != null) {
            container.close();
        }
    }

    private static int number(Page page, String selector) {
        return Integer.parseInt(page.textContent(selector).trim());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until("the dashboard showed " + what, condition::getAsBoolean);
    }

    @Test
    public void thePageFollowsRealInferences() throws Exception {
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1400, 1150));
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                errors.add(m.text());
            }
        });
        page.onPageError(errors::add);
        // without the trailing slash: the servlet redirects to the page
        page.navigate(container.base().resolve("/dashboard").toString());
        assertTrue(page.url(), page.url().endsWith("/dashboard/"));
        page.selectOption("#minutes", "5");
        page.waitForFunction("() => Number(document.body.dataset.updates || 0) >= 2");
        assertTrue(page.textContent("#status"), page.textContent("#status").startsWith("updated "));
        assertTrue(number(page, "#workers-connected") >= 1);
        assertEquals(256, number(page, "#queue-capacity"));
        assertTrue(page.isVisible("#backends tr[data-backend='chromium'] td.state-available"));
        assertTrue(page.isVisible("#backends tr[data-backend='edge'] td.state-unavailable"));
        int succeeded = number(page, "#requests-succeeded");
        int written = number(page, "#records-written");

        // three waves, more than one plot step (5 s) apart, so each backend's line has points to join
        for (int wave = 0; wave < 3; wave++) {
            ImageRequests.run(client, 4, 10L * wave);
            if (wave == 0) {
                await("4 more succeeded requests", () -> number(page, "#requests-succeeded") == succeeded + 4);
                await("4 more records written", () -> number(page, "#records-written") >= written + 4);
                await("a latency plot of image-classifier", () -> page.locator(
                        ".chart[data-model='image-classifier'] path.series").count() > 0);
            }
            Thread.sleep(5500);
        }
        await("12 more succeeded requests", () -> number(page, "#requests-succeeded") == succeeded + 12);
        assertEquals(String.valueOf(succeeded + 12), page.textContent("#pool-succeeded"));
        await("the plot's later points", () -> ((Number) page.evalOnSelectorAll(
                ".chart[data-model='image-classifier'] path.series",
                "paths => paths.reduce((n, p) => n + Number(p.dataset.points), 0)")).intValue() >= 2);
        String legend = page.textContent(".chart[data-model='image-classifier'] .legend");
        assertTrue(legend, legend.matches(".*(chromium|firefox) / wasm \\d+\\.\\d ms.*"));
        int served = ((Number) page.evalOnSelectorAll("#workers td.served",
                "cells => cells.reduce((n, c) => n + Number(c.textContent), 0)")).intValue();
        assertTrue("served " + served, served >= 12);
        assertTrue(page.textContent("#backends tbody"), page.textContent("#backends tbody").contains("closed"));
        // the seeded week, migrated from schema version 1: Chromium got faster, Firefox did not change
        String chromiumTrend = page.textContent(
                "#trends tr[data-metric='latency'][data-series='image-classifier:1 chromium wasm']");
        assertTrue(chromiumTrend, chromiumTrend.matches("(?s).*improving.*-[3-6]\\d\\.\\d %.*"));
        String firefoxTrend = page.textContent(
                "#trends tr[data-metric='latency'][data-series='image-classifier:1 firefox wasm']");
        assertTrue(firefoxTrend, firefoxTrend.contains("stable (not significant)"));
        // the other metrics of the same history: its rows have throughput and errors, but no memory or loading
        assertEquals(2, page.locator("#trends tr[data-metric='throughput']").count());
        assertEquals(2, page.locator("#trends tr[data-metric='errors']").count());
        assertEquals(0, page.locator("#trends tr[data-metric='memory']").count());

        Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
        page.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true));
        assertTrue(Files.size(shot) > 10_000);
        assertEquals("console errors: " + errors, List.of(), errors);
        page.close();
    }

    @Test
    public void theStateEndpointRefusesBadInputAndServesNothingElse() throws Exception {
        HttpResponse<byte[]> bad = client.get("/dashboard/api/state?minutes=abc");
        assertEquals(400, bad.statusCode());
        JsonNode error = ProtocolClient.json(bad);
        assertEquals("minutes must be a whole number from 1 to 10080; got 'abc'", error.path("error").asText());
        // Jetty itself refuses an encoded dot segment (400); the servlet never sees it
        HttpResponse<byte[]> traversal = client.get("/dashboard/%2e%2e/etc/passwd");
        assertTrue(String.valueOf(traversal.statusCode()), List.of(400, 404).contains(traversal.statusCode()));
        assertEquals(404, client.get("/dashboard/dashboard.js.map").statusCode());
        assertEquals(405, client.send("POST", "/dashboard/api/state").statusCode());
        JsonNode state = ProtocolClient.json(client.get("/dashboard/api/state"));
        assertTrue(state.toString(), state.path("pool").path("queueCapacity").asInt() == 256);
        assertEquals(1_800_000, state.path("timeline").path("windowMs").asLong());
        assertTrue(state.toString(), state.path("breakers").isArray());
    }
}
