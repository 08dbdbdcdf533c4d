package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.webaccel.harness.bench.BenchOptions;
import org.webaccel.harness.bench.Figure;
import org.webaccel.harness.bench.Report;
import org.webaccel.harness.bench.SchedulingBenchConfig;
import org.webaccel.harness.bench.SchedulingBenchmarkRunner;

/**
 * The scheduling benchmark on its tiny configuration, so that it cannot rot: workers, batching and placement
 * are measured with real Chromium and Firefox, and the outputs carry values that make sense.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SchedulingBenchmarkTest {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        return BenchOptions.containerWith("chromium", "firefox");
    }

    @Test
    public void theTinyRunWritesEveryFigureWithSaneValues() throws Exception {
        Path out = BenchOptions.output("scheduling-tiny");
        Report report = new SchedulingBenchmarkRunner(context, SchedulingBenchConfig.tiny()).run(out);

        assertEquals(List.of("workers", "workers-latency", "batching", "batching-latency", "placement",
                "placement-latency"), report.figures().stream().map(Figure::id).toList());
        for (Figure f : report.figures()) {
            assertTrue(f.id() + " has no series", !f.series().isEmpty());
            for (Figure.Series s : f.series()) {
                var m = s.summary();
                assertEquals(f.id() + " " + s.name(), 2, m.n());
                assertTrue(f.id() + " " + s.name() + " = " + m, m.min() > 0 && Double.isFinite(m.max())
                        && m.q1() <= m.median() && m.median() <= m.q3());
            }
            for (Figure.Ratio r : f.ratios()) {
                assertTrue(f.id() + " " + r.name() + " = " + r.summary(), r.summary().min() > 0
                        && Double.isFinite(r.summary().max()));
            }
        }
        Figure latency = report.figures().get(1);
        for (String workload : List.of("text-encoder [1,16]", "mix of 3 models")) {
            double p50 = latency.find("p50, 1 worker, " + workload).summary().median();
            double p99 = latency.find("p99, 1 worker, " + workload).summary().median();
            assertTrue(workload + ": p50 " + p50 + " above p99 " + p99, p50 <= p99);
        }
        Figure batching = report.figures().get(2);
        double perCall = batching.find("requests per browser call, batching on (max 4, delay 2 ms)").summary().max();
        double perCallOff = batching.find("requests per browser call, batching off").summary().median();
        assertTrue("batching joined no requests: " + perCall, perCall > 1.2);
        assertTrue("without batching a call carries one request: " + perCallOff, perCallOff < 1.2);
        Figure placement = report.figures().get(4);
        assertEquals(4, placement.ratios().size());
        String ranOn = placement.facts().toString();
        assertTrue(ranOn, ranOn.contains("chromium/") && ranOn.contains("firefox/"));
        assertTrue("round robin used both browsers with wasm fixed: " + ranOn,
                String.valueOf(placement.facts().get("ran on, round robin, wasm")).contains("chromium/wasm")
                        && String.valueOf(placement.facts().get("ran on, round robin, wasm")).contains("firefox/wasm"));

        JsonNode json = new ObjectMapper().readTree(out.resolve("benchmark.json").toFile());
        assertEquals(6, json.path("figures").size());
        assertTrue(json.path("machine").toString(), json.path("machine").path("cores").asInt() > 0);
        assertTrue(Files.readString(out.resolve("benchmark.txt")).contains("history / round robin, auto"));
        assertTrue(Files.size(out.resolve("benchmark.png")) > 10_000);
    }
}
