package org.webaccel.metrics.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.webaccel.metrics.internal.StoreFixture.NOW;
import static org.webaccel.metrics.internal.StoreFixture.await;
import static org.webaccel.metrics.internal.StoreFixture.record;
import static org.webaccel.metrics.internal.StoreFixture.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.model.ModelType;
import org.webaccel.metrics.internal.shell.ReportCommands;

/** The Gogo report commands over a real DuckDB file with a known history. */
public class ReportCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private DuckDbMetricsStore store;
    private ReportCommands commands;
    private Path db;

    @Before
    public void fill() throws Exception {
        db = tmp.getRoot().toPath().resolve("data/metrics.duckdb");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        store = new DuckDbMetricsStore(settings(db, 10_000), clock);
        commands = new ReportCommands(store, clock);
        Random rnd = new Random(3);
        for (int i = 0; i < 100; i++) {
            // chromium slowed down from ~100 ms (baseline, 2-7 days ago) to ~140 ms (last day); firefox steady
            store.record(record(NOW.minus(Duration.ofMinutes(3 * 24 * 60 + i * 30L)), "chromium",
                    ExecutionProvider.WASM, 100 * Math.exp(0.1 * rnd.nextGaussian()), null));
            store.record(record(NOW.minus(Duration.ofMinutes(i * 10L)), "chromium", ExecutionProvider.WASM,
                    140 * Math.exp(0.1 * rnd.nextGaussian()), null));
            store.record(record(NOW.minus(Duration.ofMinutes(i * 10L + 5)), "firefox", ExecutionProvider.WEBGPU,
                    300 * Math.exp(0.1 * rnd.nextGaussian()), i % 10 == 0 ? "DeadlineExceededException" : null));
        }
        store.record(new InferenceRecord(NOW.minusSeconds(1), "resnet", "2", ModelType.VISION, "chromium", "156.0",
                ExecutionProvider.WASM, "chromium-1-p1", 4, 1.25, 2.5, 30, 33.75, null, 49152, "int8"));
        await("301 written", () -> store.status().written() == 301);
    }

    @After
    public void close() {
        store.close();
    }

    @Test
    public void reportShowsOneRowPerSeriesWithItsLatencyAndErrors() {
        String out = commands.report("1", "", false, "");
        assertTrue(out, out.startsWith("performance over the last 1 day (since 2026-11-19 12:00:00 UTC)"));
        assertTrue(out, out.matches("(?s).*MODEL\\s+BACKEND\\s+EP\\s+COUNT\\s+ERRORS\\s+MEAN ms\\s+P50 ms\\s+P95 ms"
                + "\\s+P99 ms.*"));
        // only the last day: chromium's 100 recent rows, not its baseline
        assertTrue(out, out.matches("(?s).*\\nbert:1\\s+chromium\\s+wasm\\s+100\\s+0\\.0 %\\s+1[34]\\d\\.\\d.*"));
        assertTrue(out, out.matches("(?s).*\\nbert:1\\s+firefox\\s+webgpu\\s+100\\s+10\\.0 %.*"));
        assertTrue(out, out.matches("(?s).*\\nresnet:2\\s+chromium\\s+wasm\\s+1\\s+0\\.0 %\\s+33\\.8\\s+33\\.8.*"));
        assertTrue(out, out.contains("recommended backend per model type"));
        assertTrue(out, out.matches("(?s).*\\ntext-embedding\\s+chromium\\s+wasm\\s+.*"));
        assertTrue(out, out.contains("recording: accepted 301, written 301, dropped 0, buffered 0; database " + db));
        String week = commands.report("7", "", false, "");
        assertTrue(week, week.matches("(?s).*\\nbert:1\\s+chromium\\s+wasm\\s+200\\s+.*"));
    }

    @Test
    public void reportAsJson() throws Exception {
        JsonNode r = JSON.readTree(commands.report("7", "", true, ""));
        assertEquals(7, r.path("days").asInt());
        assertEquals(3, r.path("summaries").size());
        JsonNode firefox = r.path("summaries").get(1);
        assertEquals("firefox", firefox.path("backend").asText());
        assertEquals("webgpu", firefox.path("executionProvider").asText());
        assertEquals(100, firefox.path("count").asLong());
        assertEquals(10, firefox.path("failures").asLong());
        assertEquals(0.1, firefox.path("errorRate").asDouble(), 1e-9);
        assertTrue(firefox.toString(), firefox.path("p99Ms").asDouble() >= firefox.path("p50Ms").asDouble());
        assertEquals("chromium", r.path("recommendations").get(0).path("backend").asText());
        assertEquals(301, r.path("recording").path("written").asLong());
    }

    @Test
    public void trendsCallTheSlowdownAndNothingElse() throws Exception {
        String out = commands.trends("latency", false);
        assertTrue(out, out.matches("(?s).*\\nlatency\\s+bert:1\\s+chromium\\s+wasm\\s+degrading\\s+major\\s+\\+[34]\\d\\.\\d %.*"));
        JsonNode t = JSON.readTree(commands.trends("latency", true));
        assertEquals("only chromium has both windows", 1, t.size());
        assertEquals("degrading", t.get(0).path("direction").asText());
        assertTrue(t.get(0).path("significant").asBoolean());
        assertTrue(t.get(0).path("mannWhitneyP").asDouble() < 0.01);
    }

    @Test
    public void historyShowsTheLatestRecordsNewestFirstWithTheirPrecision() throws Exception {
        String out = commands.history("3", false, "bert");
        String[] lines = out.split("\\R");
        assertEquals(out, 4, lines.length);
        assertTrue(out, lines[0].matches("TIME \\(UTC\\)\\s+MODEL\\s+PRECISION\\s+BACKEND\\s+EP\\s+WORKER\\s+BATCH"
                + "\\s+QUEUED ms\\s+TRANSFER ms\\s+COMPUTE ms\\s+TOTAL ms\\s+LOAD ms\\s+MEMORY MiB\\s+RESULT"));
        assertTrue(out, lines[1].matches("2026-11-20 12:00:00\\.000\\s+bert:1\\s+fp32\\s+chromium\\s+wasm\\s+w1\\s+1"
                + "\\s+0\\.5\\s+1\\.5\\s+.*\\s+ok"));
        assertTrue(out, lines[2].matches(".*\\sfirefox\\s+webgpu\\s.*\\sDeadlineExceededException"));
        assertTrue("load and memory not recorded: " + out, lines[1].matches(".*\\s-\\s+-\\s+ok"));
        JsonNode h = JSON.readTree(commands.history("1", true, "resnet:2"));
        assertEquals(1, h.size());
        assertEquals("int8", h.get(0).path("precision").asText());
        assertEquals(4, h.get(0).path("batchSize").asInt());
        assertEquals(33.75, h.get(0).path("totalMs").asDouble(), 0);
        assertTrue(h.get(0).path("failure").isNull());
        assertEquals("no records of model 'gpt' in " + db + System.lineSeparator(),
                commands.history("20", false, "gpt"));
    }

    @Test
    public void badArgumentsGetSpecificErrors() {
        expect(() -> commands.report("abc", "", false, ""), "--days expects a whole number from 1 to 3650; got 'abc'");
        expect(() -> commands.report("0", "", false, ""), "--days must be from 1 to 3650; got 0");
        expect(() -> commands.report("99999", "", true, ""), "--days must be from 1 to 3650; got 99999");
        expect(() -> commands.history("-5", false, "bert"), "--limit must be from 1 to 10000; got -5");
        expect(() -> commands.history("ten", false, "bert"), "--limit expects a whole number");
        expect(() -> commands.history("5", false, "--limt"), "unknown option or empty model '--limt'");
        expect(commands::history, "give a model: pool:history MODEL");
    }

    private static void expect(Supplier<String> command, String message) {
        try {
            String out = command.get();
            fail("printed\n" + out + "\nbut expected the error: " + message);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(message));
        }
    }
}
