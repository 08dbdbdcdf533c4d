package org.webaccel.harness.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.transport.PageResult;
import org.webaccel.api.transport.WorkerBridge;
import org.webaccel.api.transport.WorkerChannel;
import org.webaccel.api.transport.WorkerEndpoint;
import org.webaccel.webdriver.BrowserOptions;
import org.webaccel.webdriver.LocalDriver;
import org.webaccel.webdriver.SessionTimeouts;
import org.webaccel.webdriver.WebDriverBrowser;
import org.webaccel.webdriver.WebDriverPage;
import org.webaccel.webdriver.WebDriverSessions;

/**
 * One worker page of the bridge in a Chromium driven by ChromeDriver, through which the same bytes travel
 * two ways: as one binary WebSocket frame each way through the bridge (the worker page runs the echo
 * model), and as base64 strings through the driver's Execute Script call, decoded to a typed array in the
 * page and encoded back. Each way is an echo, so both carry the payload in and out, and both results are
 * checked byte for byte.
 */
public final class TransportPage implements AutoCloseable {
    private static final String BASE64_ECHO = """
            const text = atob(arguments[0]);
            const bytes = new Uint8Array(text.length);
            for (let i = 0; i < text.length; i++) {
              bytes[i] = text.charCodeAt(i);
            }
            const floats = new Float32Array(bytes.buffer);
            const back = new Uint8Array(floats.buffer);
            let out = '';
            for (let i = 0; i < back.length; i += 0x8000) {
              out += String.fromCharCode.apply(null, back.subarray(i, i + 0x8000));
            }
            return btoa(out);
            """;

    private final WebDriverBrowser browser;
    private final WebDriverPage page;
    private final WorkerChannel channel;

    private TransportPage(WebDriverBrowser browser, WebDriverPage page, WorkerChannel channel) {
        this.browser = browser;
        this.page = page;
        this.channel = channel;
    }

    /**
     * Starts Chromium through ChromeDriver and opens a bridge worker page in it.
     *
     * @param sessions the WebDriver service
     * @param bridge the bridge
     * @param chromium the browser executable
     * @param chromedriver its driver
     * @return the connected page
     */
    public static TransportPage open(WebDriverSessions sessions, WorkerBridge bridge, Path chromium, Path chromedriver)
            throws Exception {
        List<String> switches = new ArrayList<>(List.of("--headless"));
        switches.addAll(BrowserOptions.CHROMIUM_QUIET_SWITCHES);
        WebDriverBrowser browser = sessions.startLocal(LocalDriver.at(chromedriver),
                BrowserOptions.of(BrowserOptions.CHROME, chromium.toString(), switches),
                new SessionTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(2)),
                new LaunchSpec("bench-transport", new BrowserEvents() {
                    @Override
                    public void browserDied(BrowserInstance b, String reason) {
                        // Surfaces as a failed call below.
                    }

                    @Override
                    public void pageDied(BrowserPage p, String reason) {
                        // Surfaces as a failed call below.
                    }
                }));
        try {
            WorkerEndpoint endpoint = bridge.openEndpoint("bench-transport-p1");
            WebDriverPage page = browser.openPage(endpoint.pageUrl());
            WorkerChannel channel = endpoint.connected().toCompletableFuture().get(120, TimeUnit.SECONDS);
            return new TransportPage(browser, page, channel);
        } catch (Exception | Error e) {
            browser.close();
            throw e;
        }
    }

    /**
     * Sends {@code payload} through the bridge and back, and checks what came back.
     *
     * @param echo the echo model's descriptor
     * @param payload float32 data, a multiple of 4 bytes
     * @return the round trip in ms, as the JVM's clock saw it
     */
    public double binary(ModelDescriptor echo, byte[] payload) throws Exception {
        long t0 = System.nanoTime();
        Tensor x = Tensor.wrap(DType.FLOAT32, new long[] {payload.length / 4}, payload);
        PageResult r = channel.run(echo, ExecutionProvider.WASM, Map.of("x", x), List.of())
                .toCompletableFuture().get(120, TimeUnit.SECONDS);
        byte[] back = r.outputs().get("y").toByteArray();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!Arrays.equals(payload, back)) {
            throw new AssertionError("the bridge echo returned other bytes (" + back.length + " for " + payload.length + ")");
        }
        return ms;
    }

    /**
     * Sends {@code payload} as base64 through the driver's Execute Script and back, and checks it.
     *
     * @param payload float32 data, a multiple of 4 bytes
     * @return the round trip in ms
     */
    public double base64(byte[] payload) throws Exception {
        long t0 = System.nanoTime();
        String in = Base64.getEncoder().encodeToString(payload);
        Object out = page.executeScript(BASE64_ECHO, in);
        byte[] back = Base64.getDecoder().decode((String) out);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!Arrays.equals(payload, back)) {
            throw new AssertionError("the base64 echo returned other bytes (" + back.length + " for " + payload.length + ")");
        }
        return ms;
    }

    /** @return the browser's version */
    public String browserVersion() {
        return browser.version();
    }

    @Override
    public void close() {
        channel.close("benchmark done");
        page.close();
        browser.close();
    }
}
