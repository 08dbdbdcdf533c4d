package org.webaccel.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.tensor.Tensor;

/**
 * openWakeWord's chain through the pool on wasm with a chosen embedding model and head (the float models or
 * quantized variants of them): audio -> melspectrogram -> embedding model -> head, the head scoring every window
 * of 16 embeddings. Comparing two variants' scores on the same speech is the accuracy a user of the wake word sees.
 */
final class WakeWordScores {
    /** openWakeWord's default detection threshold. */
    static final float THRESHOLD = 0.5f;

    private final ResourcePool pool;

    WakeWordScores(ResourcePool pool) {
        this.pool = pool;
    }

    /**
     * @param embedding {@code name:version} of the embedding model (or a variant of it)
     * @param head {@code name:version} of the wake-word head (or a variant of it)
     * @return the head's score of each window of the clip, in order
     */
    float[] scores(float[] audio, String embedding, String head) throws Exception {
        float[][] frames = WakeWordFeatures.melFrames(infer(RealModels.MELSPECTROGRAM + ":" + RealModels.VERSION,
                Map.of("input", WakeWordFeatures.audio(audio))).output("output"));
        int windows = WakeWordFeatures.windowCount(frames.length);
        InferenceResult e = infer(embedding, Map.of("input_1", WakeWordFeatures.melWindows(frames, 0, windows)));
        float[][] embeddings = WakeWordFeatures.embeddings(e.outputs().values().iterator().next());
        List<CompletableFuture<InferenceResult>> heads = new ArrayList<>();
        for (int end = WakeWordFeatures.EMBEDDINGS; end <= embeddings.length; end++) {
            heads.add(submit(head, Map.of("x.1", WakeWordFeatures.headInput(embeddings, end))));
        }
        float[] scores = new float[heads.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = heads.get(i).get(300, TimeUnit.SECONDS).outputs().values().iterator().next().toFloats()[0];
        }
        return scores;
    }

    static float max(float[] values) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** @return the largest absolute difference of two score series of the same clip */
    static double maxDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " scores against " + b.length);
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /** @return in how many windows one series is above {@link #THRESHOLD} and the other not */
    static int decisionsDiffering(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " scores against " + b.length);
        }
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] > THRESHOLD != b[i] > THRESHOLD) {
                n++;
            }
        }
        return n;
    }

    private InferenceResult infer(String model, Map<String, Tensor> in) throws Exception {
        return submit(model, in).get(300, TimeUnit.SECONDS);
    }

    private CompletableFuture<InferenceResult> submit(String model, Map<String, Tensor> in) {
        return pool.infer(model, in, InferenceOptions.defaults().withExecutionProvider(ExecutionProvider.WASM))
                .toCompletableFuture();
    }
}
