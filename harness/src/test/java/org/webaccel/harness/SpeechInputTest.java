package org.webaccel.harness;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.Test;
import org.webaccel.api.tensor.Tensor;

/** The Java side of the real-model tests: WAV reading, resampling to 16 kHz and openWakeWord's windows. */
public class SpeechInputTest {

    private static float[] tone(double hz, int rate, int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) (10000 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return s;
    }

    /** @return the amplitude of {@code hz} in {@code s}, from its correlation with a sine and a cosine */
    private static double amplitude(float[] s, double hz, int rate, int from, int to) {
        double re = 0;
        double im = 0;
        for (int i = from; i < to; i++) {
            re += s[i] * Math.cos(2 * Math.PI * hz * i / rate);
            im += s[i] * Math.sin(2 * Math.PI * hz * i / rate);
        }
        return 2 * Math.hypot(re, im) / (to - from);
    }

    @Test
    public void resamplingTo16kHzKeepsATonesPitchAndLevelAndDropsWhatLiesAboveTheNewNyquistFrequency() {
        float[] in = tone(1000, 22050, 22050);
        float[] out = Resampler.resample(in, 22050, 16000);
        assertEquals(16000, out.length);
        // away from the edges, where the filter runs past the clip
        assertEquals(10000, amplitude(out, 1000, 16000, 1000, 15000), 50);
        assertTrue(amplitude(out, 1100, 16000, 1000, 15000) < 100);
        float[] high = Resampler.resample(tone(10000, 22050, 22050), 22050, 16000);
        double folded = amplitude(high, 16000 - 10000, 16000, 1000, 15000);
        assertTrue("a 10 kHz tone folds back to 6 kHz at amplitude " + folded, folded < 100);
    }

    private static byte[] wav(int rate, int channels, int bits, short... samples) {
        ByteBuffer b = ByteBuffer.allocate(44 + samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples.length * 2)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) channels).putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) bits)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples.length * 2);
        for (short s : samples) {
            b.putShort(s);
        }
        return b.array();
    }

    @Test
    public void readsMono16BitPcmInInt16ScaleAndRefusesOtherLayouts() throws IOException {
        SpokenPhrase.Pcm p = SpokenPhrase.readWav(wav(22050, 1, 16, (short) -32768, (short) 0, (short) 32767));
        assertEquals(22050, p.rate());
        assertArrayEquals(new float[] {-32768, 0, 32767}, p.samples(), 0);
        try {
            SpokenPhrase.readWav(wav(22050, 2, 16, (short) 1, (short) 2));
            fail("read a stereo file as mono");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("expected 16-bit PCM mono; got format 1, 2 channels"));
        }
    }

    @Test
    public void melFramesAreScaledAndWindowedAsOpenWakeWordDoes() {
        int frames = 100;
        float[] mel = new float[frames * 32];
        for (int f = 0; f < frames; f++) {
            mel[f * 32] = f * 10;
        }
        float[][] scaled = WakeWordFeatures.melFrames(Tensor.ofFloats(new long[] {1, 1, frames, 32}, mel));
        assertEquals(2f, scaled[0][0], 0);
        assertEquals(9f + 2f, scaled[9][0], 0);
        assertEquals(2f, scaled[9][1], 0);
        assertEquals(4, WakeWordFeatures.windowCount(frames));
        Tensor w = WakeWordFeatures.melWindows(scaled, 1, 3);
        assertArrayEquals(new long[] {3, 76, 32, 1}, w.shape());
        float[] v = w.toFloats();
        assertEquals("window 1 starts at frame 8", 8f + 2f, v[0], 0);
        assertEquals("window 3 starts at frame 24", 24f + 2f, v[2 * 76 * 32], 0);
        try {
            WakeWordFeatures.melWindows(scaled, 2, 3);
            fail("a window past the last frame");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("which give 4 windows"));
        }
        float[][] emb = new float[20][96];
        emb[19][95] = 7;
        Tensor head = WakeWordFeatures.headInput(emb, 20);
        assertArrayEquals(new long[] {1, 16, 96}, head.shape());
        assertEquals(7f, head.toFloats()[16 * 96 - 1], 0);
    }
}
