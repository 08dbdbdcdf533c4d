package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.HashSet;
import java.util.Set;
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
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.model.ModelDescriptor;

/**
 * The pool and the breaker bundle together: successes are reported and scored, and a worker whose breaker
 * is open gets no requests while the other worker serves them all.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BreakerPlacementTest {

    @Inject
    private ResourcePool pool;

    @Inject
    private HealthMonitor health;

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
            health.recordFailure(victim.id(), victim.backend(), FailureClass.CONNECTION_LOST);
        }
        BreakerState state = health.workerBreaker(victim.id()).orElseThrow();
        assertEquals(BreakerState.Phase.OPEN, state.phase());

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
}
