package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.BreakerHistory;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.model.ModelDescriptor;

/**
 * The pool and the breaker bundle together: successes are reported and scored, and a worker whose breaker
 * is open gets no requests while the other worker serves them all; the opening shows in the breaker's
 * history, in {@code pool:breakers -v}, on /metrics and in the dashboard's state.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BreakerPlacementTest {

    @Inject
    private ResourcePool pool;

    @Inject
    private HealthMonitor health;

    @Inject
    private CommandProcessor processor;

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution(FelixOptions.onlyBackend("chromium"));
    }

    private InferenceResult infer(ModelDescriptor m, int seed) throws Exception {
        return pool.infer(m.id(), TestInputs.random(m, seed, 1), InferenceOptions.defaults()).toCompletableFuture()
                .get(120, TimeUnit.SECONDS);
    }

    @Test
    public void aWorkerWithAnOpenBreakerGetsNoRequests() throws Exception {
        PoolServices.awaitWorkers(pool, 2);
        ModelDescriptor m = pool.models().stream().filter(d -> d.name().equals("image-classifier")).findFirst()
                .orElseThrow();
        for (int i = 0; i < 4; i++) {
            infer(m, i);
        }
        WorkerInfo victim = pool.workers().get(0);
        assertTrue("successes are reported to the monitor", health.workerHealth(victim.id()).isPresent()
                || health.workerHealth(pool.workers().get(1).id()).isPresent());

        // Five failures of the kind the pool reports for a lost connection open the worker's breaker.
        for (int i = 0; i < 5; i++) {
            health.recordFailure(victim.id(), victim.backend(), FailureClass.CONNECTION_LOST, "socket dropped " + i);
        }
        BreakerState state = health.workerBreaker(victim.id()).orElseThrow();
        assertEquals(BreakerState.Phase.OPEN, state.phase());

        // the opening and the failures behind it are in the breaker's history
        BreakerHistory history = health.workerHistory(victim.id()).orElseThrow();
        BreakerHistory.Transition opened = history.lastTransition().orElseThrow();
        assertEquals(BreakerState.Phase.CLOSED, opened.from());
        assertEquals(BreakerState.Phase.OPEN, opened.to());
        assertEquals("connection_lost: 5 consecutive failures", opened.cause());
        assertEquals(5, history.failures().size());
        assertEquals("socket dropped 4", history.failures().get(4).message());
        assertEquals(FailureClass.CONNECTION_LOST, history.failures().get(4).failureClass());
        assertTrue(health.backendHistory(victim.backend()).orElseThrow().failures().stream()
                .anyMatch(f -> f.message().equals("worker " + victim.id() + ": socket dropped 4")));

        String shell = Gogo.run(processor, "pool:breakers -v");
        assertTrue(shell, shell.contains("closed    -> open       connection_lost: 5 consecutive failures"));
        assertTrue(shell, shell.contains("connection_lost  socket dropped 4"));
        assertTrue(shell, shell.contains("entered open 1, half-open 0, closed 0 times"));

        String base = httpBase();
        String metrics = get(base + "metrics");
        String worker = "id=\"" + victim.id() + "\"";
        assertEquals(metrics, 1, PrometheusText.sum(metrics, "webaccel_breaker_transitions_total", worker,
                "to=\"open\"").orElseThrow(), 0);
        assertEquals(metrics, 0, PrometheusText.sum(metrics, "webaccel_breaker_transitions_total", worker,
                "to=\"closed\"").orElseThrow(), 0);
        assertTrue(metrics, PrometheusText.sum(metrics, "webaccel_breaker_phase_age_seconds", worker).orElseThrow()
                >= 0);
        String dashboard = get(base + "dashboard/api/state");
        assertTrue(dashboard, dashboard.contains("\"cause\":\"connection_lost: 5 consecutive failures\""));
        assertTrue(dashboard, dashboard.contains("\"message\":\"socket dropped 4\""));

        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            InferenceResult r = infer(m, 100 + i);
            servedBy.add(r.worker());
        }
        assertTrue(servedBy.toString(), !servedBy.contains(victim.id()));
        assertEquals(1, servedBy.size());
        assertNotEquals(victim.id(), servedBy.iterator().next());
        assertEquals(0, pool.status().failed());
    }

    /** @return the URL of the framework's HTTP server (it listens on a free port), ending in a slash */
    private String httpBase() {
        ServiceReference<?> runtime = context.getServiceReference("org.osgi.service.http.runtime.HttpServiceRuntime");
        assertTrue("the HTTP server runs", runtime != null);
        Object endpoint = runtime.getProperty("osgi.http.endpoint");
        List<String> all = endpoint instanceof String[] a ? List.of(a)
                : endpoint instanceof Collection<?> c ? c.stream().map(Object::toString).toList()
                : List.of(String.valueOf(endpoint));
        String base = all.get(0);
        return base.endsWith("/") ? base : base + "/";
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(url + ": " + r.body(), 200, r.statusCode());
        return r.body();
    }
}
