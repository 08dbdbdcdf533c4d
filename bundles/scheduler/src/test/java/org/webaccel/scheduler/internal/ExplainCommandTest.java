package org.webaccel.scheduler.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.junit.Test;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.health.HealthScore;
import org.webaccel.api.health.Scope;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.tensor.Tensor;

public class ExplainCommandTest {
    private static final ModelDescriptor V1 = Fixtures.model("classifier", ModelType.VISION);
    private static final ModelDescriptor V2 = new ModelDescriptor("classifier", "2", ModelType.VISION, "",
            List.of(), List.of(), Map.of());
    private static final ModelDescriptor SPEECH = Fixtures.model("speech", ModelType.AUDIO);

    /** The hand-built situation of {@link WorkerCandidatesTest#workers()} behind the pool's public interface. */
    private static final class StaticPool implements ResourcePool {
        @Override
        public CompletionStage<InferenceResult> infer(String model, Map<String, Tensor> inputs,
                InferenceOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ModelDescriptor> models() {
            return List.of(V1, V2, SPEECH);
        }

        @Override
        public PoolStatus status() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<WorkerInfo> workers() {
            return WorkerCandidatesTest.workers();
        }

        @Override
        public List<BackendStatus> backends() {
            return List.of(backend("chromium", "chromium"), backend("firefox", "firefox"),
                    backend("webnn", "chromium"));
        }

        private static BackendStatus backend(String name, String family) {
            return new BackendStatus(BackendDescription.available(name, family, "1"), 1, 1, null, null, false);
        }

        @Override
        public void drain(String backend) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void resume(String backend) {
            throw new UnsupportedOperationException();
        }

        @Override
        public org.webaccel.api.Pressure pressure() {
            throw new UnsupportedOperationException();
        }

        @Override
        public org.webaccel.api.Scaling scaling() {
            throw new UnsupportedOperationException();
        }

        @Override
        public org.webaccel.api.RequestMemory requestMemory() {
            throw new UnsupportedOperationException();
        }
    }

    /** Firefox's breaker is open; w-2 has health 40; every other question has no answer. */
    private static final class StaticHealth implements HealthMonitor {
        @Override
        public Optional<BreakerState> backendBreaker(String backend) {
            return backend.equals("firefox") ? Optional.of(new BreakerState(Scope.BACKEND, backend, backend, backend,
                    BreakerState.Phase.OPEN, 10, 10, 0, 10, Duration.ofSeconds(20))) : Optional.empty();
        }

        @Override
        public Optional<HealthScore> workerHealth(String workerId) {
            return workerId.equals("w-2") ? Optional.of(new HealthScore(Scope.WORKER, workerId, 40, 0.5, 1, 2, 0, 0,
                    20, 0, 0, 0, 0)) : Optional.empty();
        }

        @Override
        public Optional<BreakerState> workerBreaker(String workerId) {
            return Optional.empty();
        }

        @Override
        public Optional<HealthScore> backendHealth(String backend) {
            return Optional.empty();
        }

        @Override
        public void recordSuccess(String workerId, String backend, String model, Duration latency) {
        }

        @Override
        public void recordFailure(String workerId, String backend, FailureClass failureClass) {
        }

        @Override
        public void recordConnectionDrop(String workerId, String backend) {
        }

        @Override
        public void recordMemory(String workerId, String backend, long residentBytes) {
        }

        @Override
        public boolean allows(String workerId, String backend) {
            return true;
        }

        @Override
        public List<BreakerState> breakers() {
            return List.of();
        }

        @Override
        public List<HealthScore> scores() {
            return List.of();
        }

        @Override
        public void forget(String workerId) {
        }
    }

    private static ExplainCommand command() {
        // The pids in the situation are not browsers; no history: affinity, load, loaded and health decide.
        return new ExplainCommand(new StaticPool(), new DefaultPlacement(Fixtures.settings(), () -> History.EMPTY));
    }

    @Test
    public void explainPrintsEveryCandidateWithItsPartsBestFirst() {
        String text = command().explain("auto", "classifier:1", new StaticHealth());
        assertEquals(String.join("\n",
                // the pages' WebGPU adapter is SwiftShader, a fallback one: without history it ranks below wasm
                "model classifier:1 (vision), provider auto: 7 candidates, 6 eligible; best w-2 on wasm",
                "RANK  WORKER  BACKEND   EP      STATE  ELIGIBLE                  TOTAL  AFFINITY  HISTORY  LOAD  LOADED  HEALTH  FALLBACK ADAPTER",
                "1     w-2     chromium  wasm    busy   yes                        29.0       5.0      0.0   5.0    15.0     4.0                 -",
                "2     w-1     chromium  webgpu  idle   yes                        25.0      30.0      0.0   5.0    15.0    10.0             -35.0",
                "3     w-4     webnn     wasm    idle   yes                        25.0       5.0      0.0  10.0     0.0    10.0                 -",
                "4     w-1     chromium  wasm    idle   yes                        20.0       5.0      0.0   5.0     0.0    10.0                 -",
                "5     w-4     webnn     webnn   idle   yes                        20.0       0.0      0.0  10.0     0.0    10.0                 -",
                "6     w-2     chromium  webgpu  busy   yes                         4.0      30.0      0.0   5.0     0.0     4.0             -35.0",
                "-     w-3     firefox   wasm    idle   no: circuit breaker open      -         -        -     -       -       -                 -",
                ""), text);
    }

    @Test
    public void aRequiredBackendExcludesTheOthersAndAPreferredOneGoesFirst() {
        String required = command().explain("auto", "classifier:1", null, BackendChoice.require("webnn"));
        assertEquals(String.join("\n",
                "model classifier:1 (vision), provider auto, backend required webnn: 7 candidates, 2 eligible; "
                        + "best w-4 on wasm",
                "RANK  WORKER  BACKEND   EP      STATE  ELIGIBLE                    TOTAL  AFFINITY  HISTORY  LOAD  "
                        + "LOADED  HEALTH  FALLBACK ADAPTER",
                "1     w-4     webnn     wasm    idle   yes                          25.0       5.0      0.0  10.0     "
                        + "0.0    10.0                 -"), required.lines().limit(3).collect(
                                java.util.stream.Collectors.joining("\n")));
        assertTrue(required, required.contains("2     w-4     webnn     webnn   idle   yes "));
        assertEquals(5, required.lines().filter(l -> l.contains("no: requires backend webnn")).count());

        String preferred = command().explain("auto", "classifier:1", null, BackendChoice.prefer("firefox"));
        assertTrue(preferred, preferred.startsWith("model classifier:1 (vision), provider auto, backend preferred "
                + "firefox: 7 candidates, 7 eligible; best w-3 on wasm\n"));
        assertEquals(6, preferred.lines().filter(l -> l.contains("yes, if no firefox worker is free")).count());

        String unknown = command().explain("auto", "classifier:1", null, BackendChoice.require("opera"));
        assertTrue(unknown, unknown.contains("\nno connected worker of backend opera\n"));
    }

    @Test
    public void aNamedProviderShowsTheOthersExcluded() {
        String text = command().explain("webgpu", "classifier", null);
        assertTrue(text, text.startsWith("model classifier:2 (vision), provider webgpu: 7 candidates, 2 eligible; "
                + "best w-1 on webgpu\n"));
        assertTrue(text, text.contains("no: provider wasm, requested webgpu"));
    }

    @Test
    public void aProviderNoPageSupportsIsSaidSo() {
        var scores = new DefaultPlacement(Fixtures.settings(), () -> History.EMPTY).rank(
                new org.webaccel.api.scheduling.PlacementRequest(V1, org.webaccel.api.ExecutionProvider.WEBNN),
                List.of(Fixtures.candidate("w-1", "chromium", org.webaccel.api.ExecutionProvider.WASM)));
        String text = ExplainReport.format(V1, org.webaccel.api.ExecutionProvider.WEBNN, scores, Map.of("w-1", "idle"));
        assertTrue(text, text.contains("\nno connected page supports webnn\n"));
        assertTrue(text, text.contains("no: provider wasm, requested webnn"));
        assertEquals("no connected worker: nothing to place on\n", ExplainReport.format(V1,
                org.webaccel.api.ExecutionProvider.AUTO, List.of(), Map.of()).lines().skip(1).findFirst()
                .orElseThrow() + "\n");
    }

    @Test
    public void badArgumentsGetSpecificErrors() {
        ModelNotFoundException unknown = assertThrows(ModelNotFoundException.class,
                () -> command().explain("auto", "resnet", null));
        assertEquals("no model 'resnet'; the pool has [classifier:1, classifier:2, speech:1]", unknown.getMessage());
        assertThrows(ModelNotFoundException.class, () -> command().explain("auto", "classifier:3", null));
        IllegalArgumentException ep = assertThrows(IllegalArgumentException.class,
                () -> command().explain("cuda", "classifier", null));
        assertTrue(ep.getMessage(), ep.getMessage().startsWith("unknown execution provider 'cuda'"));
    }

    @Test
    public void aBareNameMeansTheHighestVersion() {
        assertEquals(V2, ExplainCommand.find(List.of(V1, V2), "classifier"));
        assertEquals(V1, ExplainCommand.find(List.of(V1, V2), "classifier:1"));
    }
}
