package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.tensor.Tensor;

/** Worker lifecycle and hot plug with real Chromium in Felix: recycling, drain, backend bundles stopped and reinstalled under load. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WorkerLifecycleTest {
    private static final String CHROMIUM = "org.webaccel.backend-chromium";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin cm;

    @Inject
    private ModelRepository repository;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution();
    }

    private record Submitted(Map<String, Tensor> inputs, CompletableFuture<InferenceResult> result) {
    }

    private List<Submitted> submit(ResourcePool pool, int n, int seed) {
        ModelDescriptor m = repository.find("image-classifier", null).orElseThrow();
        List<Submitted> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Tensor> in = TestInputs.random(m, seed + i, 1);
            out.add(new Submitted(in, pool.infer(m.name(), in, InferenceOptions.defaults().withTimeout(
                    java.time.Duration.ofSeconds(120))).toCompletableFuture()));
        }
        return out;
    }

    /** Every request completed with its own correct result; returns the browsers that computed them. */
    private Set<String> assertAllCorrect(List<Submitted> requests) throws Exception {
        ModelDescriptor m = repository.find("image-classifier", null).orElseThrow();
        Set<String> browsers = new TreeSet<>();
        try (NativeReference ref = new NativeReference()) {
            for (Submitted s : requests) {
                InferenceResult r = s.result.get(180, TimeUnit.SECONDS);
                ref.assertMatches(repository.modelFile(m), s.inputs, r, 1e-4);
                browsers.add(r.worker().substring(0, r.worker().lastIndexOf("-p")));
            }
        }
        return browsers;
    }

    private static void assertBalanced(PoolStatus s) {
        assertEquals(s.toString(), s.submitted(), s.succeeded() + s.failed() + s.inFlight());
        assertEquals(s.toString(), 0, s.failed());
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().equals(symbolicName)) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    @Test
    public void browsersAreRecycledAfterTheirRequestLimitWithoutLosingARequest() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2, "maxBrowsers", 1,
                "maxPagesPerBrowser", 2, "recycleAfterRequests", 8L, "maintenanceIntervalSeconds", 1));
        PoolServices.awaitWorkers(pool, 2, 120);
        List<Submitted> load = submit(pool, 40, 100);
        Set<String> browsers = assertAllCorrect(load);
        assertTrue("expected several browsers to take turns, saw " + browsers, browsers.size() >= 3);
        assertBalanced(pool.status());
        assertEquals(40, pool.status().succeeded());
    }

    @Test
    public void aDrainedBackendTakesNoWorkUntilResumed() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2,
                "maintenanceIntervalSeconds", 1));
        PoolServices.awaitWorkers(pool, 2, 120);
        pool.drain("chromium");
        assertTrue(pool.backends().get(0).draining());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pool.status().workers() + pool.status().starting() > 0 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(pool.status().toString(), 0, pool.status().workers() + pool.status().starting());
        List<Submitted> waiting = submit(pool, 3, 7);
        Thread.sleep(2000);
        assertFalse("a drained backend ran a request", waiting.stream().anyMatch(s -> s.result.isDone()));
        pool.resume("chromium");
        assertFalse(pool.backends().get(0).draining());
        assertFalse(assertAllCorrect(waiting).isEmpty());
        assertBalanced(pool.status());
    }

    @Test
    public void aBackendStoppedMidLoadLosesNothingAndComesBackWhenReinstalled() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2,
                "maintenanceIntervalSeconds", 1));
        PoolServices.awaitWorkers(pool, 2, 120);
        Bundle chromium = bundle(CHROMIUM);
        String location = chromium.getLocation();

        List<Submitted> load = submit(pool, 120, 1000);
        while (pool.status().succeeded() < 20) {
            Thread.sleep(20);
        }
        // Stopping the bundle drains its workers: running requests finish, queued ones wait for a backend.
        chromium.stop();
        assertTrue("pool:backends still lists the stopped backend", pool.backends().isEmpty());
        assertTrue("nothing may fail while no backend is installed", pool.status().failed() == 0);

        chromium.uninstall();
        Bundle again = context.installBundle(location);
        again.start();
        assertEquals("chromium", pool.backends().get(0).description().name());
        assertAllCorrect(load);
        PoolStatus s = pool.status();
        assertBalanced(s);
        assertEquals(0, s.inFlight());
    }
}
