package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
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
import org.webaccel.api.metrics.Summary;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.testing.Await;

/** Every inference the pool runs leaves a row in the DuckDB file of the metrics bundle. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetricsHistoryTest {

    @Inject
    private ResourcePool pool;

    @Inject
    private MetricsStore metrics;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution(FelixOptions.onlyBackend("chromium"));
    }

    @Test
    public void inferencesAreRecordedInTheDuckDbFile() throws Exception {
        PoolServices.awaitWorkers(pool, 1);
        ModelDescriptor m = pool.models().stream().filter(d -> d.name().equals("image-classifier")).findFirst()
                .orElseThrow();
        long writtenBefore = metrics.status().written();
        for (int i = 0; i < 6; i++) {
            pool.infer(m.id(), TestInputs.random(m, i, 2), InferenceOptions.defaults()).toCompletableFuture()
                    .get(120, TimeUnit.SECONDS);
        }
        Await.until("6 more records written", () -> metrics.status().written() >= writtenBefore + 6,
                () -> metrics.status().toString());
        assertEquals(0, metrics.status().dropped());
        Path file = Path.of(System.getProperty("webaccel.home"), "data", "metrics.duckdb");
        assertTrue("no DuckDB file at " + file, Files.size(file) > 0);

        List<Summary> summaries = metrics.summaries(Duration.ofHours(1));
        Summary s = summaries.stream().filter(x -> x.model().equals("image-classifier")).findFirst()
                .orElseThrow(() -> new AssertionError("no summary for image-classifier: " + summaries));
        assertTrue(s.toString(), s.count() >= 6);
        assertEquals("chromium", s.backend());
        assertTrue(s.toString(), s.p50Ms() > 0 && s.p99Ms() >= s.p50Ms());
    }
}
