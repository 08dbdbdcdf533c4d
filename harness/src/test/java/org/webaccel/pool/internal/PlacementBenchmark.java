package org.webaccel.pool.internal;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.PageCapabilities;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.scheduling.Candidate;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.transport.PageResult;
import org.webaccel.api.transport.WorkerChannel;
import org.webaccel.scheduler.internal.Policies;

/**
 * One placement decision of the pool ({@link Placement#choose}) over N connected, idle workers, each of which
 * supports wasm and WebGPU: with no placement policy (the pool's own order), and with the scheduler's default
 * policy. No health monitor, no history. {@code defaultPolicyOnly} splits the second figure: the policy's first
 * choice over the same 2N candidates the pool builds, built beforehand; the rest of {@code withDefaultPolicy} is
 * the pool's part (a candidate per worker and provider, the chosen worker looked up).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PlacementBenchmark {

    @Param({"10", "100", "1000"})
    public int workers;

    private List<Worker> free;
    private Ticket ticket;
    private PlacementPolicy policy;
    private PlacementRequest placementRequest;
    private List<Candidate> candidates;

    @Setup
    public void setUp() {
        PageCapabilities caps = new PageCapabilities("bench", "1.30.0",
                new PageCapabilities.WebGpu(true, null, "google", "swiftshader", "", false, Map.of()),
                new PageCapabilities.WebNn(false, Map.of()), true, false, 2);
        free = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            String id = "w-" + i;
            BrowserHost host = new BrowserHost("b-" + i / 4, i % 2 == 0 ? "chromium" : "firefox",
                    i % 2 == 0 ? "chromium" : "firefox", new Browser("b-" + i / 4));
            Worker w = new Worker(id, host, 1);
            host.workers.add(w);
            w.channel = new Channel(id, caps);
            w.ready(0);
            free.add(w);
        }
        ModelDescriptor model = new ModelDescriptor("classifier", "1", ModelType.VISION, "",
                List.of(TensorSpec.of("x", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(2))),
                List.of(TensorSpec.of("y", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(2))), Map.of());
        PoolRequest r = new PoolRequest(1, model, Map.of("x", Tensor.ofFloats(new long[] {1, 2}, new float[2])),
                InferenceOptions.defaults().withTimeout(Duration.ofMinutes(1)), System.nanoTime(),
                PoolRequest.Shares.NONE);
        ticket = new Ticket(r);
        policy = Policies.defaultPlacement();
        placementRequest = new PlacementRequest(model, ExecutionProvider.AUTO);
        candidates = new ArrayList<>();
        for (Worker w : free) {
            for (ExecutionProvider ep : List.of(ExecutionProvider.WASM, ExecutionProvider.WEBGPU)) {
                candidates.add(new Candidate(w.id, w.host.backend, w.host.family, ep, false, 0, w.host.workers.size(),
                        false, 100, w.host.residentBytes, false));
            }
        }
    }

    @Benchmark
    public Object withoutPolicy() {
        return Placement.choose(ticket, free, null, null);
    }

    @Benchmark
    public Object withDefaultPolicy() {
        return Placement.choose(ticket, free, null, policy);
    }

    @Benchmark
    public Object defaultPolicyOnly() {
        return policy.rank(placementRequest, candidates).get(0);
    }

    private record Browser(String id) implements BrowserInstance {
        @Override
        public OptionalLong pid() {
            return OptionalLong.empty();
        }

        @Override
        public String version() {
            return "bench";
        }

        @Override
        public BrowserPage openPage(URI url) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isAlive() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private record Channel(String workerId, PageCapabilities capabilities) implements WorkerChannel {
        @Override
        public CompletionStage<PageResult> run(ModelDescriptor model, ExecutionProvider ep, Map<String, Tensor> inputs,
                List<String> outputs) {
            return new CompletableFuture<>();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void onClose(Consumer<String> listener) {
        }

        @Override
        public void close(String reason) {
        }
    }
}
