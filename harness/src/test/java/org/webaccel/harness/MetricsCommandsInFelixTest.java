package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.testing.Await;

/**
 * pool:report, pool:history and pool:trends through the Gogo command processor of the distribution's
 * bundles in Felix, after real inferences in Chromium.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetricsCommandsInFelixTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    private ResourcePool pool;

    @Inject
    private MetricsStore metrics;

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution(FelixOptions.onlyBackend("chromium"));
    }

    private String gogo(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, "UTF-8");
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps)) {
            Object result = session.execute(command);
            return result == null ? "" : result.toString();
        }
    }

    private void expectError(String command, String message) {
        try {
            String out = gogo(command);
            fail(command + " printed\n" + out + "\nbut should fail with: " + message);
        } catch (Exception e) {
            assertTrue(command + ": " + e, String.valueOf(e.getMessage()).contains(message));
        }
    }

    @Test
    public void reportHistoryAndTrendsShowTheInferencesJustRun() throws Exception {
        PoolServices.awaitWorkers(pool, 1);
        ModelDescriptor m = pool.models().stream().filter(d -> d.name().equals("image-classifier")).findFirst()
                .orElseThrow();
        long before = metrics.status().written();
        for (int i = 0; i < 5; i++) {
            pool.infer(m.id(), TestInputs.random(m, i, 2), InferenceOptions.defaults()).toCompletableFuture()
                    .get(120, TimeUnit.SECONDS);
        }
        Await.until("5 more records written", () -> metrics.status().written() >= before + 5,
                () -> metrics.status().toString());

        String report = gogo("pool:report --days 1");
        assertTrue(report, report.startsWith("performance over the last 1 day"));
        assertTrue(report, report.matches("(?s).*\\nimage-classifier:1\\s+chromium\\s+wasm\\s+5\\s+0\\.0 %\\s+.*"));
        assertTrue(report, report.contains("recording: accepted "));

        JsonNode json = JSON.readTree(gogo("pool:report --json"));
        JsonNode s = json.path("summaries").get(0);
        assertEquals(json.toString(), "image-classifier", s.path("model").asText());
        assertEquals(5, s.path("count").asLong());
        assertTrue(s.toString(), s.path("p50Ms").asDouble() > 0);

        String history = gogo("pool:history image-classifier --limit 3");
        String[] lines = history.split("\\R");
        assertEquals(history, 4, lines.length);
        assertTrue(history, lines[1].matches("\\d{4}-\\d\\d-\\d\\d [0-9:.]+\\s+image-classifier:1\\s+fp32\\s+chromium"
                + "\\s+wasm\\s+chromium-\\S+\\s+2\\s+.*\\s+ok"));
        JsonNode records = JSON.readTree(gogo("pool:history image-classifier:1 --json --limit 10"));
        assertEquals(5, records.size());
        assertEquals("fp32", records.get(0).path("precision").asText());
        assertEquals(2, records.get(0).path("batchSize").asInt());

        // the first request on a page created the model's session, and recorded how long that took; later
        // requests on that page found the session
        int withoutLoad = 0;
        for (JsonNode r : records) {
            assertTrue(r.toString(), r.path("loadMs").isNumber());
            withoutLoad += r.path("loadMs").asDouble() == 0 ? 1 : 0;
        }
        assertTrue(records.toString(), records.get(4).path("loadMs").asDouble() > 0);
        assertTrue(records.toString(), withoutLoad >= 1);

        // the history has no baseline window yet: no trend of any metric can be called
        String trends = gogo("pool:trends");
        assertTrue(trends, trends.startsWith("no trends: no model has samples of any metric"));
        assertEquals(0, JSON.readTree(gogo("pool:trends --json")).size());
        assertTrue(gogo("pool:trends --metric memory").startsWith("no trends: no model has samples of memory"));
        expectError("pool:trends --metric cpu", "unknown --metric 'cpu'; expected one of latency, throughput, errors,"
                + " memory, loading, all");

        // the report in each format, written to files, with a latency plot of the inferences just run
        Path folder = Files.createTempDirectory("webaccel-report");
        Path html = folder.resolve("report.html");
        String wrote = gogo("pool:report --format html --out " + html);
        assertEquals("wrote html report to " + html + " (" + Files.size(html) + " bytes)"
                + System.lineSeparator(), wrote);
        String page = Files.readString(html);
        assertTrue(page, page.startsWith("<!DOCTYPE html>"));
        assertTrue(page, page.matches("(?s).*<td>image-classifier:1</td><td>chromium</td><td>wasm</td>"
                + "<td class=\"n\">5</td>.*"));
        assertTrue(page, page.matches("(?s).*<h3>image-classifier</h3>\\s*<svg .*<path d=\"M[0-9.]+ [0-9.]+.*"
                + "<circle .*</svg>.*"));
        assertTrue(page, !page.matches("(?s).*(src|href)=\"(https?:)?//.*") && !page.contains("<script"));
        String md = gogo("pool:report --format markdown");
        assertTrue(md, md.matches("(?s).*\\n\\| image-classifier:1 \\| chromium \\| wasm \\| 5 \\| 0\\.0 % \\|.*"));
        assertEquals(JSON.readTree(gogo("pool:report --json")).path("summaries"),
                JSON.readTree(gogo("pool:report --format json")).path("summaries"));
        expectError("pool:report --format pdf --out " + folder.resolve("r.pdf"),
                "unknown --format 'pdf'; expected one of text, markdown, html, json");
        expectError("pool:report --format html --out " + folder, "is a folder");
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals("only report.html", 1, files.count());
        }

        expectError("pool:report --days zero", "--days expects a whole number from 1 to 3650; got 'zero'");
        expectError("pool:history image-classifier --limit 0", "--limit must be from 1 to 10000; got 0");
        expectError("pool:history", "give a model: pool:history MODEL");

        // the browser's memory, as the pool's lifecycle step measures it every few seconds, goes with each
        // inference once it is known (the first requests may run before the first measurement)
        Await.until("an inference recorded with its browser's memory", () -> {
            long written = metrics.status().written();
            pool.infer(m.id(), TestInputs.random(m, 9, 1), InferenceOptions.defaults()).toCompletableFuture()
                    .get(120, TimeUnit.SECONDS);
            Await.until("its record written", () -> metrics.status().written() > written);
            JsonNode latest = JSON.readTree(gogo("pool:history image-classifier --json --limit 1")).get(0);
            return latest.path("residentBytes").asLong() > 50L << 20;
        });
    }
}
