package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.webaccel.harness.bench.BenchConfig;
import org.webaccel.harness.bench.BenchOptions;
import org.webaccel.harness.bench.BenchmarkRunner;
import org.webaccel.harness.bench.Figure;
import org.webaccel.harness.bench.Report;

/**
 * The benchmark runner on its tiny configuration, so that it cannot rot: every figure is measured with
 * real browsers, and the table, JSON and plot are written with values that make sense.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BenchmarkRunnerTest {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        return BenchOptions.container();
    }

    @Test
    public void theTinyRunWritesTableJsonAndPlotWithSaneValues() throws Exception {
        Path out = BenchOptions.output("tiny");
        Report report = new BenchmarkRunner(context, BenchConfig.tiny()).run(out);

        List<String> ids = report.figures().stream().map(Figure::id).toList();
        // startup and kill-all start the built container as a process: measured by the full run only
        assertEquals(List.of("overhead", "transport", "scaling", "native", "breakdown", "wasm", "recovery",
                "admission"), ids);
        for (Figure f : report.figures()) {
            assertTrue(f.id() + " has no series", !f.series().isEmpty());
            for (Figure.Series s : f.series()) {
                double median = s.summary().median();
                boolean signed = s.name().startsWith("pool minus direct");
                // a stage may take less than the page clock's resolution
                boolean maybeZero = f.id().equals("breakdown");
                assertTrue(f.id() + " " + s.name() + " = " + median, Double.isFinite(median)
                        && (signed || median > 0 || (maybeZero && median == 0)) && s.summary().q1() <= median
                        && median <= s.summary().q3());
            }
            for (Figure.Ratio r : f.ratios()) {
                assertTrue(f.id() + " " + r.name() + " = " + r.summary().median(), r.summary().median() > 0);
            }
        }
        Figure overhead = report.figures().get(0);
        double pool = overhead.find("pool, small: image-classifier [1,3,32,32]").summary().median();
        double direct = overhead.find("direct page, small: image-classifier [1,3,32,32]").summary().median();
        assertTrue("a pool round trip cannot take a tenth of the page's own compute: " + pool + " vs " + direct,
                pool > direct / 10);
        Figure transport = report.figures().get(1);
        assertTrue("binary frames are not faster than base64: " + transport.ratios(),
                transport.ratios().get(0).summary().median() > 1);
        Figure breakdown = report.figures().get(4);
        assertTrue("the breakdown names the page's run: " + breakdown.series(), breakdown.series().stream()
                .anyMatch(x -> x.name().equals("small: image-classifier [1,3,32,32]: page.run")));
        Figure recovery = report.figures().get(6);
        assertEquals("requests lost while a browser was killed", 0L, recovery.facts().get("requests lost"));

        String table = Files.readString(out.resolve("benchmark.txt"));
        assertTrue(table, table.contains("pool / direct, image-classifier") && table.contains("binary / base64"));
        JsonNode json = new ObjectMapper().readTree(out.resolve("benchmark.json").toFile());
        assertEquals(8, json.path("figures").size());
        assertTrue(json.path("machine").toString(), json.path("machine").path("cores").asInt() > 0);
        assertTrue(json.toString(), json.path("figures").get(0).path("series").get(0).path("summary").path("median")
                .asDouble() > 0);
        BufferedImage png = ImageIO.read(out.resolve("benchmark.png").toFile());
        assertTrue("plot " + png.getWidth() + "x" + png.getHeight(), png.getWidth() >= 1000 && png.getHeight() >= 1000);
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < png.getHeight(); y += 7) {
            for (int x = 0; x < png.getWidth(); x += 7) {
                colours.add(png.getRGB(x, y));
            }
        }
        assertTrue("the plot is nearly blank: " + colours.size() + " colours", colours.size() > 20);
        assertTrue(Files.readString(out.resolve("benchmark.md")).startsWith("| figure |"));
    }
}
