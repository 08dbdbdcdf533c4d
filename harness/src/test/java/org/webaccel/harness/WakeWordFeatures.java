package org.webaccel.harness;

import java.util.Arrays;
import org.webaccel.api.tensor.Tensor;

/**
 * The steps openWakeWord takes in its own code between its three models: mel frames scaled {@code x / 10 + 2},
 * windows of {@value #MEL_WINDOW} frames every {@value #MEL_STEP} frames for the embedding model, and the last
 * {@value #EMBEDDINGS} embeddings for a wake-word head. None of it is a graph, so it runs here in Java.
 */
final class WakeWordFeatures {
    static final int MEL_BANDS = 32;
    static final int MEL_WINDOW = 76;
    static final int MEL_STEP = 8;
    static final int EMBEDDING_SIZE = 96;
    static final int EMBEDDINGS = 16;

    private WakeWordFeatures() {
    }

    /** @return the melspectrogram model's input for one clip: {@code [1, samples]} */
    static Tensor audio(float[] samples) {
        return Tensor.ofFloats(new long[] {1, samples.length}, samples);
    }

    /**
     * @param melOutput the melspectrogram model's output {@code [1, 1, frames, 32]}
     * @return the frames, scaled as openWakeWord scales them
     */
    static float[][] melFrames(Tensor melOutput) {
        long[] s = melOutput.shape();
        if (s.length != 4 || s[0] != 1 || s[1] != 1 || s[3] != MEL_BANDS) {
            throw new IllegalArgumentException("expected mel output [1, 1, frames, 32]; got " + Arrays.toString(s));
        }
        float[] v = melOutput.toFloats();
        float[][] frames = new float[(int) s[2]][MEL_BANDS];
        for (int f = 0; f < frames.length; f++) {
            for (int m = 0; m < MEL_BANDS; m++) {
                frames[f][m] = v[f * MEL_BANDS + m] / 10f + 2f;
            }
        }
        return frames;
    }

    /** @return how many embedding windows {@code frames} mel frames give */
    static int windowCount(int frames) {
        return frames < MEL_WINDOW ? 0 : (frames - MEL_WINDOW) / MEL_STEP + 1;
    }

    /**
     * @param frames scaled mel frames
     * @param first the first window
     * @param count how many windows
     * @return the embedding model's input {@code [count, 76, 32, 1]}: window {@code w} starts at frame {@code 8 w}
     */
    static Tensor melWindows(float[][] frames, int first, int count) {
        if (first < 0 || count < 1 || first + count > windowCount(frames.length)) {
            throw new IllegalArgumentException("windows " + first + ".." + (first + count - 1) + " of "
                    + frames.length + " mel frames, which give " + windowCount(frames.length) + " windows");
        }
        float[] v = new float[count * MEL_WINDOW * MEL_BANDS];
        for (int w = 0; w < count; w++) {
            for (int f = 0; f < MEL_WINDOW; f++) {
                System.arraycopy(frames[(first + w) * MEL_STEP + f], 0, v, (w * MEL_WINDOW + f) * MEL_BANDS,
                        MEL_BANDS);
            }
        }
        return Tensor.ofFloats(new long[] {count, MEL_WINDOW, MEL_BANDS, 1}, v);
    }

    /**
     * @param embeddingOutput the embedding model's output {@code [n, 1, 1, 96]}
     * @return the n embeddings
     */
    static float[][] embeddings(Tensor embeddingOutput) {
        long[] s = embeddingOutput.shape();
        if (s.length != 4 || s[1] != 1 || s[2] != 1 || s[3] != EMBEDDING_SIZE) {
            throw new IllegalArgumentException("expected embeddings [n, 1, 1, 96]; got " + Arrays.toString(s));
        }
        float[] v = embeddingOutput.toFloats();
        float[][] e = new float[(int) s[0]][];
        for (int i = 0; i < e.length; i++) {
            e[i] = Arrays.copyOfRange(v, i * EMBEDDING_SIZE, (i + 1) * EMBEDDING_SIZE);
        }
        return e;
    }

    /**
     * @param embeddings the clip's embeddings in order
     * @param end one past the last embedding the head sees
     * @return a head's input {@code [1, 16, 96]}: embeddings {@code end - 16} to {@code end - 1}
     */
    static Tensor headInput(float[][] embeddings, int end) {
        if (end < EMBEDDINGS || end > embeddings.length) {
            throw new IllegalArgumentException("a head window ending at " + end + " needs " + EMBEDDINGS
                    + " embeddings before it; the clip has " + embeddings.length);
        }
        float[] v = new float[EMBEDDINGS * EMBEDDING_SIZE];
        for (int i = 0; i < EMBEDDINGS; i++) {
            System.arraycopy(embeddings[end - EMBEDDINGS + i], 0, v, i * EMBEDDING_SIZE, EMBEDDING_SIZE);
        }
        return Tensor.ofFloats(new long[] {1, EMBEDDINGS, EMBEDDING_SIZE}, v);
    }
}
