package org.webaccel.harness;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.RejectedException;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.tensors.SharedInference;
import org.webaccel.api.tensors.SharedTensor;
import org.webaccel.api.tensors.TensorGoneException;
import org.webaccel.api.tensors.TensorSharing;
import org.webaccel.testing.Await;

/**
 * Cross-model tensor sharing in Felix with real Chromium: text-encoder's last_hidden_state kept in the page and
 * read there by two head models, against the same pipeline with the tensor sent through Java and against ONNX
 * Runtime Java; reference counts, pins, budget eviction, and the errors for tensors that are gone. Prints the
 * measured bytes and latency of both pipelines.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TensorSharingInFelixTest {
    private static final String ENCODER = "text-encoder";
    private static final String CLASSIFIER = "text-classifier-head";
    private static final String PROJECTION = "text-projection-head";
    private static final InferenceOptions OPTIONS = InferenceOptions.defaults();
    /** Rounds of each pipeline measured, after the warm-up rounds. */
    private static final int ROUNDS = Integer.getInteger("tensors.rounds", 15);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin cm;

    @Inject
    private ModelRepository repository;

    @Inject
    private TensorSharing sharing;

    @Inject
    private CommandProcessor processor;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution(FelixOptions.onlyBackend("chromium"));
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(180, TimeUnit.SECONDS);
    }

    private SharedInference share(String model, Map<String, Tensor> inputs, Map<String, String> refs,
            Set<String> keep) throws Exception {
        return get(sharing.infer(model, inputs, refs, keep, OPTIONS).toCompletableFuture());
    }

    /** ids in [0, 999]; every row's mask ends in a few padding tokens. */
    private static Map<String, Tensor> encoderInputs(long batch, long sequence, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = (int) (batch * sequence);
        long[] ids = new long[n];
        long[] mask = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rnd.nextLong(1000);
            mask[i] = i % sequence < sequence - 1 - i / sequence % 4 ? 1 : 0;
        }
        long[] shape = {batch, sequence};
        return Map.of("input_ids", Tensor.ofLongs(shape, ids), "attention_mask", Tensor.ofLongs(shape, mask));
    }

    /** The pipeline's outputs, whichever way it ran. */
    private record Outputs(Tensor sentence, Tensor logits, Tensor probabilities, Tensor projected, long wireBytes,
            String encoderWorker, List<String> headWorkers) {
    }

    private Outputs shared(Map<String, Tensor> in) throws Exception {
        SharedInference e = share(ENCODER, in, Map.of(), Set.of("last_hidden_state"));
        SharedTensor hidden = e.kept("last_hidden_state");
        assertFalse("a kept output is not sent back", e.result().outputs().containsKey("last_hidden_state"));
        Map<String, String> ref = Map.of("hidden_states", hidden.id());
        Tensor mask = in.get("attention_mask");
        CompletableFuture<SharedInference> c = sharing.infer(CLASSIFIER, Map.of("attention_mask", mask), ref,
                Set.of(), OPTIONS).toCompletableFuture();
        CompletableFuture<SharedInference> p = sharing.infer(PROJECTION, Map.of(), ref, Set.of(), OPTIONS)
                .toCompletableFuture();
        InferenceResult cr = get(c).result();
        InferenceResult pr = get(p).result();
        sharing.release(hidden.id());
        sharing.delete(hidden.id());
        long wire = bytes(in.values()) + bytes(e.result().outputs().values()) + mask.byteSize()
                + bytes(cr.outputs().values()) + bytes(pr.outputs().values());
        return new Outputs(e.result().output("sentence_embedding"), cr.output("logits"), cr.output("probabilities"),
                pr.output("projected"), wire, e.result().worker(), List.of(cr.worker(), pr.worker()));
    }

    private Outputs throughJava(ResourcePool pool, Map<String, Tensor> in) throws Exception {
        return throughJava(pool, in, true, OPTIONS);
    }

    /** @param parallel whether the two heads are submitted together (they may then run on two pages at once) */
    private Outputs throughJava(ResourcePool pool, Map<String, Tensor> in, boolean parallel, InferenceOptions o)
            throws Exception {
        InferenceResult e = get(pool.infer(ENCODER, in, o).toCompletableFuture());
        Tensor hidden = e.output("last_hidden_state");
        Tensor mask = in.get("attention_mask");
        CompletableFuture<InferenceResult> c = pool.infer(CLASSIFIER, Map.of("hidden_states", hidden,
                "attention_mask", mask), o).toCompletableFuture();
        if (!parallel) {
            get(c);
        }
        CompletableFuture<InferenceResult> p = pool.infer(PROJECTION, Map.of("hidden_states", hidden), o)
                .toCompletableFuture();
        InferenceResult cr = get(c);
        InferenceResult pr = get(p);
        long wire = bytes(in.values()) + bytes(e.outputs().values()) + hidden.byteSize() * 2 + mask.byteSize()
                + bytes(cr.outputs().values()) + bytes(pr.outputs().values());
        return new Outputs(e.output("sentence_embedding"), cr.output("logits"), cr.output("probabilities"),
                pr.output("projected"), wire, e.worker(), List.of(cr.worker(), pr.worker()));
    }

    private static long bytes(java.util.Collection<Tensor> tensors) {
        return tensors.stream().mapToLong(Tensor::byteSize).sum();
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    public void theSharedPipelineEqualsTheOneThroughJavaAndTheNativeReferenceAndIsMeasured() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("sharedTensorBudgetBytes", 64L << 20));
        PoolServices.awaitWorkers(pool, 1);
        long batch = 4;
        long sequence = 128;
        Map<String, Tensor> in = encoderInputs(batch, sequence, 7);

        Outputs s = shared(in);
        Outputs j = throughJava(pool, in);
        assertEquals("both heads run on the page that holds the tensor", List.of(s.encoderWorker, s.encoderWorker),
                s.headWorkers);
        assertArrayEquals(j.sentence.toFloats(), s.sentence.toFloats(), 0f);
        assertArrayEquals(j.logits.toFloats(), s.logits.toFloats(), 0f);
        assertArrayEquals(j.probabilities.toFloats(), s.probabilities.toFloats(), 0f);
        assertArrayEquals(j.projected.toFloats(), s.projected.toFloats(), 0f);
        assertArrayEquals(j.projected.shape(), s.projected.shape());

        try (NativeReference ref = new NativeReference()) {
            Map<String, Tensor> enc = ref.runTensors(repository.modelFile(repository.find(ENCODER, null).orElseThrow()),
                    in);
            Tensor hidden = enc.get("last_hidden_state");
            Map<String, Tensor> cls = ref.runTensors(repository.modelFile(repository.find(CLASSIFIER, null)
                    .orElseThrow()), Map.of("hidden_states", hidden, "attention_mask", in.get("attention_mask")));
            Map<String, Tensor> proj = ref.runTensors(repository.modelFile(repository.find(PROJECTION, null)
                    .orElseThrow()), Map.of("hidden_states", hidden));
            assertTrue(maxAbsDiff(enc.get("sentence_embedding").toFloats(), s.sentence.toFloats()) < 1e-4);
            assertTrue(maxAbsDiff(cls.get("logits").toFloats(), s.logits.toFloats()) < 1e-4);
            assertTrue(maxAbsDiff(cls.get("probabilities").toFloats(), s.probabilities.toFloats()) < 1e-4);
            assertTrue(maxAbsDiff(proj.get("projected").toFloats(), s.projected.toFloats()) < 1e-4);
        }

        for (int i = 0; i < 3; i++) {
            shared(in);
            throughJava(pool, in);
        }
        List<Double> sharedMs = new ArrayList<>();
        List<Double> javaMs = new ArrayList<>();
        List<Double> javaSerialMs = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            shared(in);
            long t1 = System.nanoTime();
            throughJava(pool, in);
            long t2 = System.nanoTime();
            throughJava(pool, in, false, OPTIONS);
            long t3 = System.nanoTime();
            sharedMs.add((t1 - t0) / 1e6);
            javaMs.add((t2 - t1) / 1e6);
            javaSerialMs.add((t3 - t2) / 1e6);
        }
        long hiddenBytes = batch * sequence * 128 * 4;
        assertEquals("exactly the hidden state's three trips are saved", 3 * hiddenBytes, j.wireBytes - s.wireBytes);
        double ms = median(javaMs);
        double serial = median(javaSerialMs);
        double mss = median(sharedMs);
        System.out.printf("TENSOR-SHARING pipeline text-encoder -> text-classifier-head + text-projection-head, "
                + "wasm, batch %d, sequence %d, %d workers, %d rounds (median)%n", batch, sequence,
                pool.status().workers(), ROUNDS);
        System.out.printf("TENSOR-SHARING | path | tensor bytes over the WebSocket | latency (ms) |%n");
        System.out.printf("TENSOR-SHARING | through Java, heads one after the other | %d | %.1f |%n", j.wireBytes,
                serial);
        System.out.printf("TENSOR-SHARING | through Java, heads submitted together | %d | %.1f |%n", j.wireBytes, ms);
        System.out.printf("TENSOR-SHARING | shared in the page (heads queue on its page) | %d | %.1f |%n",
                s.wireBytes, mss);
        System.out.printf("TENSOR-SHARING | saved against one after the other | %d (%.0f%%) | %.1f (%.0f%%) |%n",
                j.wireBytes - s.wireBytes, 100.0 * (j.wireBytes - s.wireBytes) / j.wireBytes, serial - mss,
                100.0 * (serial - mss) / serial);
    }

    @Test
    public void onWebGpuTheKeptTensorStaysInAGpuBufferAndGivesTheSameResults() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("sharedTensorBudgetBytes", 64L << 20));
        PoolServices.awaitWorkers(pool, 1);
        InferenceOptions gpu = OPTIONS.withExecutionProvider(org.webaccel.api.ExecutionProvider.WEBGPU);
        Map<String, Tensor> in = encoderInputs(1, 16, 11);
        SharedInference e = get(sharing.infer(ENCODER, in, Map.of(), Set.of("last_hidden_state"), gpu)
                .toCompletableFuture());
        SharedTensor hidden = e.kept("last_hidden_state");
        assertEquals("gpu-buffer", hidden.location());
        Map<String, String> ref = Map.of("hidden_states", hidden.id());
        InferenceResult p = get(sharing.infer(PROJECTION, Map.of(), ref, Set.of(), gpu).toCompletableFuture())
                .result();
        // A wasm session on the same page reads a CPU copy of the GPU buffer.
        InferenceResult c = get(sharing.infer(CLASSIFIER, Map.of("attention_mask", in.get("attention_mask")), ref,
                Set.of(), OPTIONS).toCompletableFuture()).result();
        sharing.release(hidden.id());
        sharing.delete(hidden.id());
        Outputs j = throughJava(pool, in, false, gpu);
        assertTrue(maxAbsDiff(j.projected.toFloats(), p.output("projected").toFloats()) < 1e-4);
        try (NativeReference nat = new NativeReference()) {
            Tensor h = nat.runTensors(repository.modelFile(repository.find(ENCODER, null).orElseThrow()), in)
                    .get("last_hidden_state");
            Map<String, Tensor> cls = nat.runTensors(repository.modelFile(repository.find(CLASSIFIER, null)
                    .orElseThrow()), Map.of("hidden_states", h, "attention_mask", in.get("attention_mask")));
            assertTrue(maxAbsDiff(cls.get("probabilities").toFloats(), c.output("probabilities").toFloats()) < 1e-4);
            assertTrue(maxAbsDiff(j.probabilities.toFloats(), c.output("probabilities").toFloats()) < 1e-4);
        }
    }

    private void assertFails(CompletableFuture<?> f, Class<?> type, String... parts) throws Exception {
        try {
            get(f);
            fail("expected " + type.getSimpleName());
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            assertEquals(String.valueOf(c), type, c.getClass());
            for (String part : parts) {
                assertTrue(c.getMessage(), c.getMessage().contains(part));
            }
        }
    }

    private String command(String command) throws Exception {
        return Gogo.run(processor, command);
    }

    @Test
    public void referencesPinsEvictionAndGoneTensorsBehaveAsDocumented() throws Exception {
        // One root of 8 KiB and projections of 4 KiB each, all on the root's page (a reference pins placement).
        long budget = 8192 + 2 * 4096;
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("sharedTensorBudgetBytes", budget));
        PoolServices.awaitWorkers(pool, 1);
        Map<String, Tensor> in = encoderInputs(1, 16, 3);
        SharedTensor root = share(ENCODER, in, Map.of(), Set.of("last_hidden_state")).kept("last_hidden_state");
        assertEquals(8192, root.byteSize());
        assertEquals("cpu", root.location());
        assertEquals(1, root.references());
        sharing.pin(root.id(), true);
        Map<String, String> fromRoot = Map.of("hidden_states", root.id());

        SharedTensor a = share(PROJECTION, Map.of(), fromRoot, Set.of("projected")).kept("projected");
        assertEquals(root.worker(), a.worker());
        assertEquals(0, sharing.release(a.id()).references());
        SharedTensor b = share(PROJECTION, Map.of(), fromRoot, Set.of("projected")).kept("projected");
        sharing.pin(b.id(), true);
        sharing.release(b.id());
        assertTrue(sharing.find(a.id()).isPresent());
        SharedTensor c = share(PROJECTION, Map.of(), fromRoot, Set.of("projected")).kept("projected");
        assertFalse("the least recently used unreferenced, unpinned tensor is evicted", sharing.find(a.id()).isPresent());
        assertTrue("pinned stays", sharing.find(b.id()).isPresent());
        assertEquals(budget, (long) sharing.bytesByWorker().get(root.worker()));
        assertFails(sharing.infer(CLASSIFIER, Map.of("attention_mask", in.get("attention_mask")),
                Map.of("hidden_states", a.id()), Set.of(), OPTIONS).toCompletableFuture(), TensorGoneException.class,
                a.id(), "evicted from worker " + root.worker());

        // Every byte is referenced or pinned: keeping more is refused, and nothing changes.
        List<String> before = sharing.tensors().stream().map(SharedTensor::id).toList();
        assertFails(sharing.infer(PROJECTION, Map.of(), fromRoot, Set.of("projected"), OPTIONS).toCompletableFuture(),
                RejectedException.class, "would exceed its budget of " + budget + " bytes");
        assertEquals(before, sharing.tensors().stream().map(SharedTensor::id).toList());
        assertEquals(1, sharing.find(root.id()).orElseThrow().references());

        // Bad references are refused at once, and leave the counts as they were.
        assertFails(sharing.infer(CLASSIFIER, Map.of("attention_mask", in.get("attention_mask")),
                Map.of("hidden_states", c.id()), Set.of(), OPTIONS).toCompletableFuture(), InvalidInputException.class,
                "shared tensor " + c.id(), "dimension 2 must be 128");
        assertFails(sharing.infer(PROJECTION, Map.of(), fromRoot, Set.of("nope"), OPTIONS).toCompletableFuture(),
                InvalidInputException.class, "has no output 'nope' to keep");
        assertFails(sharing.infer(PROJECTION, Map.of(), Map.of("hidden_states", "t999999"), Set.of(), OPTIONS)
                .toCompletableFuture(), TensorGoneException.class, "unknown id");
        assertEquals(1, sharing.find(c.id()).orElseThrow().references());
        assertEquals(1, sharing.find(root.id()).orElseThrow().references());

        String listing = command("pool:tensors");
        for (String id : before) {
            assertTrue(listing, listing.contains(id));
        }
        assertTrue(listing, listing.contains("budget " + budget + " bytes per page"));
        assertTrue(listing, listing.contains(PROJECTION + ":1"));

        sharing.release(c.id());
        try {
            sharing.release(c.id());
            fail("released a reference that was not there");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no reference left"));
        }
        try {
            sharing.retain(a.id());
            fail("retained an evicted tensor");
        } catch (TensorGoneException e) {
            assertEquals(a.id(), e.tensorId());
        }

        // The page dies with its browser: its tensors are gone, and saying so names the worker.
        WorkerInfo holder = pool.workers().stream().filter(w -> w.id().equals(root.worker())).findFirst()
                .orElseThrow();
        ProcessHandle.of(holder.browserPid()).orElseThrow().destroyForcibly();
        Await.until("the dead page's tensors no longer listed", () -> sharing.find(root.id()).isEmpty());
        assertFails(sharing.infer(PROJECTION, Map.of(), fromRoot, Set.of(), OPTIONS).toCompletableFuture(),
                TensorGoneException.class, "worker " + root.worker() + " that held it closed");
        assertTrue(sharing.bytesByWorker().get(root.worker()) == null);
        PoolServices.reconfigure(context, cm, Map.of());
    }
}
