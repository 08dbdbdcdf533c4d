package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.testing.Await;

/** The grid backend against a real Selenium Grid 4 on 127.0.0.1: every demo model computed by a Grid browser. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GridInFelixTest {

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin cm;

    @Inject
    private ModelRepository repository;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution(FelixOptions.onlyBackend("grid"));
    }

    @Test
    public void demoModelsRunOnAGridBrowserAndMatchTheNativeReference() throws Exception {
        try (GridServer grid = new GridServer(Files.createTempDirectory("grid")).awaitReady(Await.PATIENCE)) {
            ResourcePool pool = PoolServices.pool(context);
            assertEquals("no grid URL configured (gridUrl of org.webaccel.backend.grid)",
                    pool.backends().get(0).description().reason());

            Hashtable<String, Object> props = new Hashtable<>(Map.of("gridUrl", grid.uri().toString(),
                    "maxSessions", 2));
            cm.getConfiguration("org.webaccel.backend.grid", "?").update(props);
            PoolServices.awaitWorkers(pool, 1);
            BackendStatus status = pool.backends().get(0);
            assertTrue(status.toString(), status.description().available());

            try (NativeReference ref = new NativeReference()) {
                for (ModelDescriptor m : pool.models()) {
                    Map<String, Tensor> inputs = TestInputs.random(m, 71, 2);
                    InferenceResult r = pool.infer(m.id(), inputs, InferenceOptions.defaults()
                            .withTimeout(Duration.ofSeconds(120))).toCompletableFuture().get(150, TimeUnit.SECONDS);
                    assertEquals("grid", r.backend());
                    ref.assertMatches(repository.modelFile(m), inputs, r, 1e-4);
                }
            }
        }
    }
}
