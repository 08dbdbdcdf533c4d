package org.webaccel.harness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.webaccel.api.model.ModelDescriptor;

/**
 * Figure 2: the same bytes echoed through the bridge's binary WebSocket and as base64 through the driver's
 * Execute Script, in the same page, alternating round by round.
 */
final class TransportFigure {
    private final TransportPage page;
    private final ModelDescriptor echo;
    private final BenchConfig config;

    TransportFigure(TransportPage page, ModelDescriptor echo, BenchConfig config) {
        this.page = page;
        this.echo = echo;
        this.config = config;
    }

    Figure measure() throws Exception {
        Figure f = new Figure("transport", "tensor bytes per second (in + out) through the bridge's binary "
                + "WebSocket vs base64 through the driver's evaluate (Selenium Execute Script)");
        SplittableRandom random = new SplittableRandom(7);
        // First use of each way: session of the echo model, script compilation.
        byte[] small = payload(random, 4096);
        page.binary(echo, small);
        page.base64(small);
        for (int bytes : config.transportBytes()) {
            byte[] payload = payload(random, bytes);
            List<Double> binary = new ArrayList<>();
            List<Double> base64 = new ArrayList<>();
            for (int round = 0; round < config.transportRounds(); round++) {
                double b = page.binary(echo, payload);
                double s = page.base64(payload);
                binary.add(2.0 * bytes / 1e6 / (b / 1e3));
                base64.add(2.0 * bytes / 1e6 / (s / 1e3));
            }
            String size = label(bytes);
            f.series("bridge binary WebSocket, " + size, "MB/s", binary)
                    .series("driver evaluate base64, " + size, "MB/s", base64)
                    .ratio("binary / base64, " + size, binary, base64);
        }
        f.fact("browser", "Chromium " + page.browserVersion() + " through ChromeDriver, one page for both ways");
        return f;
    }

    private static byte[] payload(SplittableRandom random, int bytes) {
        byte[] b = new byte[bytes];
        // Random floats in [-1, 1): bytes that are valid, ordinary float32 values.
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        while (buf.remaining() >= 4) {
            buf.putFloat((float) (random.nextDouble() * 2 - 1));
        }
        return b;
    }

    static String label(int bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
