package org.webaccel.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A phrase spoken by espeak-ng (Debian package espeak-ng), read from its 16-bit PCM WAV file and resampled to
 * the 16 kHz that openWakeWord and Silero VAD expect. Samples stay in int16 scale (-32768..32767) as floats,
 * which is what openWakeWord feeds its melspectrogram model.
 */
final class SpokenPhrase {
    /** The rate the models take. */
    static final int RATE = 16_000;

    private SpokenPhrase() {
    }

    /**
     * @param text the phrase
     * @param silenceSeconds silence added before and after it
     * @param workDir where the WAV file is written
     * @return the samples at {@value #RATE} Hz
     * @throws IOException when espeak-ng is missing or fails, or writes a WAV file this reader does not take
     */
    static float[] speak(String text, double silenceSeconds, Path workDir) throws IOException, InterruptedException {
        Path wav = Files.createTempFile(workDir, "phrase-", ".wav");
        Process p;
        try {
            p = new ProcessBuilder("espeak-ng", "-w", wav.toString(), text).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run espeak-ng (apt-get install espeak-ng; scripts/dev.sh installs it): "
                    + e.getMessage(), e);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("espeak-ng did not finish within 60 s");
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("espeak-ng exited with " + p.exitValue() + ": " + log);
        }
        Pcm pcm = readWav(Files.readAllBytes(wav));
        float[] speech = Resampler.resample(pcm.samples, pcm.rate, RATE);
        int pad = (int) Math.round(silenceSeconds * RATE);
        float[] out = new float[pad + speech.length + pad];
        System.arraycopy(speech, 0, out, pad, speech.length);
        return out;
    }

    /** Mono samples in int16 scale and their rate. */
    record Pcm(float[] samples, int rate) {
    }

    /**
     * @param wav a RIFF WAVE file of 16-bit PCM, mono
     * @throws IOException naming what the file has instead
     */
    static Pcm readWav(byte[] wav) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        if (wav.length < 12 || !tag(b, 0).equals("RIFF") || !tag(b, 8).equals("WAVE")) {
            throw new IOException("not a RIFF WAVE file");
        }
        int rate = -1;
        int pos = 12;
        while (pos + 8 <= wav.length) {
            String id = tag(b, pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id.equals("fmt ")) {
                int format = b.getShort(body) & 0xffff;
                int channels = b.getShort(body + 2) & 0xffff;
                int bits = b.getShort(body + 14) & 0xffff;
                if (format != 1 || channels != 1 || bits != 16) {
                    throw new IOException("expected 16-bit PCM mono; got format " + format + ", " + channels
                            + " channels, " + bits + " bits");
                }
                rate = b.getInt(body + 4);
            } else if (id.equals("data")) {
                if (rate < 0) {
                    throw new IOException("data chunk before the fmt chunk");
                }
                // A writer that streams may leave the size at its maximum: take what the file holds.
                int n = (int) Math.min(size, wav.length - body) / 2;
                float[] s = new float[n];
                for (int i = 0; i < n; i++) {
                    s[i] = b.getShort(body + 2 * i);
                }
                return new Pcm(s, rate);
            }
            pos = (int) Math.min(wav.length, body + size + (size & 1));
        }
        throw new IOException("no data chunk in " + Arrays.toString(Arrays.copyOf(wav, Math.min(16, wav.length))));
    }

    private static String tag(ByteBuffer b, int at) {
        byte[] t = new byte[4];
        b.get(at, t);
        return new String(t, StandardCharsets.US_ASCII);
    }
}
