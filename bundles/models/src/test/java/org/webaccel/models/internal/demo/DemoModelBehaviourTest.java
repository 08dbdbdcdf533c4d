package org.webaccel.models.internal.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import org.junit.Test;
import org.webaccel.models.internal.demo.OrtModel.Value;

/** What each demo model computes, beyond shapes: the properties a user of its outputs relies on. */
public class DemoModelBehaviourTest {
    private static final int HIDDEN = 128;

    @Test
    public void textEncoderIgnoresTokensTheMaskDrops() throws Exception {
        try (OrtModel m = new OrtModel("text-encoder")) {
            long[] ids = {101, 7, 42, 999, 0, 500, 3, 3, 3, 3};
            long[] mask = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
            long[] otherPadding = ids.clone();
            for (int i = 6; i < 10; i++) {
                otherPadding[i] = 900 - i;
            }
            Map<String, Value> a = m.run(textInputs(ids, mask));
            Map<String, Value> b = m.run(textInputs(otherPadding, mask));
            float diff = DemoModelsRunTest.maxAbsDiff(a.get("sentence_embedding").floats(),
                    b.get("sentence_embedding").floats());
            assertTrue("masked tokens changed sentence_embedding by " + diff, diff < 1e-5f);

            long[] allKept = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
            Map<String, Value> c = m.run(textInputs(otherPadding, allKept));
            float maskEffect = DemoModelsRunTest.maxAbsDiff(b.get("sentence_embedding").floats(),
                    c.get("sentence_embedding").floats());
            assertTrue("the attention mask has no effect (" + maskEffect + ")", maskEffect > 1e-2f);
        }
    }

    @Test
    public void sentenceEmbeddingIsTheMeanOfTheKeptTokens() throws Exception {
        try (OrtModel m = new OrtModel("text-encoder")) {
            long[] ids = {5, 6, 7, 8, 9, 10};
            long[] mask = {1, 1, 0, 1, 0, 0};
            Map<String, Value> out = m.run(textInputs(ids, mask));
            float[] hidden = out.get("last_hidden_state").floats();
            float[] pooled = out.get("sentence_embedding").floats();
            for (int h = 0; h < HIDDEN; h++) {
                float mean = (hidden[h] + hidden[HIDDEN + h] + hidden[3 * HIDDEN + h]) / 3;
                assertEquals("sentence_embedding[" + h + "]", mean, pooled[h], 1e-4f);
            }
        }
    }

    @Test
    public void textEncoderGivesNoNanForAnAllZeroMask() throws Exception {
        try (OrtModel m = new OrtModel("text-encoder")) {
            Map<String, Value> out = m.run(textInputs(new long[] {1, 2, 3}, new long[] {0, 0, 0}));
            for (float f : out.get("sentence_embedding").floats()) {
                assertEquals("embedding of a fully masked row", 0f, f, 0f);
            }
        }
    }

    @Test
    public void imageProbabilitiesAreTheSoftmaxOfTheLogitsAndNotSaturated() throws Exception {
        try (OrtModel m = new OrtModel("image-classifier")) {
            Map<String, Value> out = m.run(m.randomInputs(Map.of("batch", 4L), 11));
            float[] logits = out.get("logits").floats();
            float[] probs = out.get("probabilities").floats();
            for (int row = 0; row < 4; row++) {
                double sum = 0;
                for (int k = 0; k < 10; k++) {
                    sum += Math.exp(logits[row * 10 + k]);
                }
                float max = 0;
                for (int k = 0; k < 10; k++) {
                    float expected = (float) (Math.exp(logits[row * 10 + k]) / sum);
                    assertEquals("probability " + row + "," + k, expected, probs[row * 10 + k], 1e-5f);
                    max = Math.max(max, probs[row * 10 + k]);
                }
                assertTrue("row " + row + " is saturated: top probability " + max, max < 0.9f);
            }
        }
    }

    @Test
    public void clipEmbeddingIsTheMeanOverTime() throws Exception {
        try (OrtModel m = new OrtModel("audio-encoder")) {
            Map<String, Value> out = m.run(m.randomInputs(Map.of("batch", 1L, "frames", 9L), 5));
            float[] frames = out.get("frame_embeddings").floats();
            float[] clip = out.get("clip_embedding").floats();
            int time = frames.length / 64;
            assertEquals("time steps for 9 frames", 5, time);
            for (int c = 0; c < 64; c++) {
                float sum = 0;
                for (int t = 0; t < time; t++) {
                    sum += frames[t * 64 + c];
                }
                assertEquals("clip_embedding[" + c + "]", sum / time, clip[c], 1e-5f);
            }
        }
    }

    private static Map<String, Value> textInputs(long[] ids, long[] mask) {
        long[] shape = {1, ids.length};
        return Map.of("input_ids", new Value(shape, ids), "attention_mask", new Value(shape, mask));
    }
}
