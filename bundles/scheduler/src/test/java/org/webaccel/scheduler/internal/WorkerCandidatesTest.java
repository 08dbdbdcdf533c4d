package org.webaccel.scheduler.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.webaccel.api.ExecutionProvider.WASM;
import static org.webaccel.api.ExecutionProvider.WEBGPU;
import static org.webaccel.api.ExecutionProvider.WEBNN;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.PageCapabilities;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.scheduling.Candidate;

public class WorkerCandidatesTest {
    static final PageCapabilities WASM_ONLY = new PageCapabilities("ua", "1.30.0",
            new PageCapabilities.WebGpu(false, "no adapter", null, null, null, false, Map.of()),
            new PageCapabilities.WebNn(false, Map.of()), true, false, 2);
    static final PageCapabilities GPU = new PageCapabilities("ua", "1.30.0",
            new PageCapabilities.WebGpu(true, null, "google", "swiftshader", "", true, Map.of()),
            new PageCapabilities.WebNn(true, Map.of("cpu", "NotSupportedError")), true, false, 2);
    static final PageCapabilities NN = new PageCapabilities("ua", "1.30.0",
            new PageCapabilities.WebGpu(false, "no adapter", null, null, null, false, Map.of()),
            new PageCapabilities.WebNn(true, Map.of("cpu", "ok")), true, false, 2);

    static final ModelDescriptor MODEL = Fixtures.model("classifier", ModelType.VISION);

    /** Browser process ids above Linux's highest (2^22), so no real process answers for them. */
    static final long B1 = 5_000_000_001L;
    static final long B2 = 5_000_000_002L;

    /** Two chromium pages in one browser (one busy), a firefox page, a webnn page, and two that cannot run. */
    static List<WorkerInfo> workers() {
        return List.of(
                new WorkerInfo("w-1", "chromium", "b-1", "idle", GPU, List.of("classifier:1@webgpu"), 5, B1, -1),
                new WorkerInfo("w-2", "chromium", "b-1", "busy", GPU, List.of("classifier:1@wasm"), 3, B1, -1),
                new WorkerInfo("w-3", "firefox", "b-2", "idle", WASM_ONLY, List.of("classifier:2@wasm"), 0, B2, -1),
                new WorkerInfo("w-4", "webnn", "b-3", "idle", NN, List.of(), 0, -1, -1),
                new WorkerInfo("w-5", "chromium", "b-1", "starting", null, List.of(), 0, B1, -1),
                new WorkerInfo("w-6", "chromium", "b-4", "closed", GPU, List.of(), 9, B2 + 1, -1));
    }

    @Test
    public void everyConnectedWorkerGivesOneCandidatePerProviderItsPageSupports() {
        List<Integer> memoryReads = new ArrayList<>();
        WorkerCandidates converter = new WorkerCandidates(Map.of("chromium", "chromium", "firefox", "firefox"),
                new WorkerCandidates.Health() {
                    @Override
                    public boolean breakerOpen(String workerId, String backend) {
                        return backend.equals("firefox");
                    }

                    @Override
                    public double score(String workerId) {
                        return workerId.equals("w-2") ? 40 : 100;
                    }
                }, w -> {
                    memoryReads.add(1);
                    return w.browserPid() < 0 ? -1 : (w.browserPid() - 5_000_000_000L) * 100_000_000;
                });
        List<Candidate> candidates = converter.of(MODEL, workers());
        assertEquals(List.of(
                new Candidate("w-1", "chromium", "chromium", WASM, false, 1, 2, false, 100, 100_000_000),
                // the GPU pages' adapter is SwiftShader, a fallback one
                new Candidate("w-1", "chromium", "chromium", WEBGPU, true, 1, 2, false, 100, 100_000_000, true),
                new Candidate("w-2", "chromium", "chromium", WASM, true, 1, 2, false, 40, 100_000_000),
                new Candidate("w-2", "chromium", "chromium", WEBGPU, false, 1, 2, false, 40, 100_000_000, true),
                new Candidate("w-3", "firefox", "firefox", WASM, false, 0, 1, true, 100, 200_000_000),
                new Candidate("w-4", "webnn", "webnn", WASM, false, 0, 1, false, 100, -1),
                new Candidate("w-4", "webnn", "webnn", WEBNN, false, 0, 1, false, 100, -1)), candidates);
        assertEquals("memory is read once per browser", 3, memoryReads.size());
    }

    @Test
    public void withoutHealthMonitorNoBreakerIsOpenAndEveryScoreIs100() {
        List<Candidate> candidates = new WorkerCandidates(Map.of(), WorkerCandidates.Health.NONE, w -> -1)
                .of(MODEL, workers());
        assertTrue(candidates.stream().noneMatch(Candidate::breakerOpen));
        assertTrue(candidates.stream().allMatch(c -> c.healthScore() == 100));
    }

    @Test
    public void noConnectedWorkerGivesNoCandidates() {
        assertTrue(new WorkerCandidates(Map.of(), WorkerCandidates.Health.NONE, w -> -1)
                .of(MODEL, workers().subList(4, 6)).isEmpty());
    }
}
