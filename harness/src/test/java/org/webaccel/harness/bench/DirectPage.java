package org.webaccel.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.api.tensor.Tensor;

/**
 * What a user would do without the pool: one page that runs ONNX Runtime Web itself
 * ({@code ort.InferenceSession.create} and {@code session.run}), in a browser launched through the same
 * {@link BrowserBackend} the pool uses, so browser build and switches are the pool's.
 *
 * <p>The SPI opens pages at a URL and offers no script evaluation, so the page is served here, on
 * 127.0.0.1, and takes its commands by long polling. ONNX Runtime Web and the model bytes are fetched from
 * the bridge and served unchanged, with the bridge's cross-origin isolation headers, so the page loads the
 * very files the worker pages load ({@code ort.webgpu.min.mjs} and its wasm). Timings are taken in the page
 * with {@code performance.now()} around {@code session.run} and reading the outputs, as the worker page
 * measures its compute time.
 */
public final class DirectPage implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 180;

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI bridge;
    private final int threads;
    private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonNode> results = new LinkedBlockingQueue<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, byte[]> fetched = new ConcurrentHashMap<>();
    private final AtomicInteger blobSeq = new AtomicInteger();
    private BrowserInstance browser;
    private BrowserPage page;
    private boolean isolated;

    private DirectPage(URI bridge, int threads) throws IOException {
        this.bridge = bridge;
        this.threads = threads;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "bench-direct-page");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Launches a browser through {@code backend} and opens the page in it; returns once ONNX Runtime Web is
     * loaded there.
     *
     * @param backend the backend the pool uses
     * @param bridge the bridge's base URI, where ONNX Runtime Web and the models come from
     * @param threads wasm threads, as the bridge gives its pages
     * @return the page, ready for commands
     * @throws Exception if the browser or the page does not start
     */
    public static DirectPage open(BrowserBackend backend, URI bridge, int threads) throws Exception {
        DirectPage p = new DirectPage(bridge, threads);
        try {
            p.browser = backend.launch(new LaunchSpec("bench-direct", new BrowserEvents() {
                @Override
                public void browserDied(BrowserInstance browser, String reason) {
                    p.results.add(JSON.createObjectNode().put("error", "the browser died: " + reason));
                }

                @Override
                public void pageDied(BrowserPage page, String reason) {
                    p.results.add(JSON.createObjectNode().put("error", "the page died: " + reason));
                }
            }));
            p.page = p.browser.openPage(URI.create("http://127.0.0.1:" + p.server.getAddress().getPort()
                    + "/bench/direct.html"));
            p.isolated = p.await("ready").path("crossOriginIsolated").asBoolean();
            return p;
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
    }

    /** @return whether the page is cross-origin isolated (SharedArrayBuffer, so wasm threads can work) */
    public boolean crossOriginIsolated() {
        return isolated;
    }

    /** @return the browser's version */
    public String browserVersion() {
        return browser.version();
    }

    /**
     * Creates the model's session in the page, replacing the previous one.
     *
     * @param name model name
     * @param version model version
     * @param ep execution provider name, e.g. {@code wasm}
     * @return the time {@code InferenceSession.create} took, in ms
     */
    public double load(String name, String version, String ep) throws Exception {
        return load(name, version, ep, Map.of());
    }

    /**
     * Creates the session with further ONNX Runtime Web session options, e.g. {@code graphOptimizationLevel},
     * {@code enableCpuMemArena}, {@code freeDimensionOverrides} (they replace the defaults of the same name).
     *
     * @return the time {@code InferenceSession.create} took, in ms
     */
    public double load(String name, String version, String ep, Map<String, Object> options) throws Exception {
        ObjectNode c = JSON.createObjectNode().put("op", "load").put("ep", ep)
                .put("url", "/models/" + name + "/" + version + "/model.onnx");
        c.set("options", JSON.valueToTree(options));
        return call(c).path("loadMs").asDouble();
    }

    /** Sends the inputs the following runs use. */
    public void inputs(Map<String, Tensor> inputs) throws Exception {
        int length = 0;
        for (Tensor t : inputs.values()) {
            length += (t.byteSize() + 7) & ~7;
        }
        byte[] blob = new byte[length];
        ArrayNode tensors = JSON.createArrayNode();
        int offset = 0;
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            Tensor t = e.getValue();
            byte[] b = t.toByteArray();
            System.arraycopy(b, 0, blob, offset, b.length);
            ObjectNode n = tensors.addObject().put("name", e.getKey()).put("dtype", t.dtype().wireName())
                    .put("offset", offset).put("length", b.length);
            ArrayNode shape = n.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            offset += (b.length + 7) & ~7;
        }
        String id = Integer.toString(blobSeq.incrementAndGet());
        blobs.put(id, blob);
        ObjectNode c = JSON.createObjectNode().put("op", "inputs").put("blob", id);
        c.set("tensors", tensors);
        call(c);
        blobs.remove(id);
    }

    /**
     * Runs the loaded model on the last inputs, one run after another.
     *
     * @param count how many runs
     * @return each run's time, in ms
     */
    public List<Double> run(int count) throws Exception {
        JsonNode r = call(JSON.createObjectNode().put("op", "run").put("count", count));
        List<Double> ms = new ArrayList<>();
        r.path("runMs").forEach(v -> ms.add(v.asDouble()));
        if (ms.size() != count) {
            throw new IllegalStateException("the page returned " + ms.size() + " timings for " + count + " runs");
        }
        return ms;
    }

    private JsonNode call(ObjectNode command) throws Exception {
        commands.add(JSON.writeValueAsString(command));
        return await(command.path("op").asText());
    }

    private JsonNode await(String what) throws Exception {
        JsonNode r = results.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (r == null) {
            throw new IllegalStateException("the direct page did not answer '" + what + "' within " + TIMEOUT_SECONDS
                    + " s");
        }
        if (r.has("error")) {
            throw new IllegalStateException("the direct page failed at '" + what + "': " + r.path("error").asText());
        }
        return r;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            switch (path) {
                case "/bench/direct.html" -> send(x, 200, "text/html; charset=utf-8",
                        "<!doctype html><meta charset=utf-8><title>direct</title><script type=module src=direct.js></script>"
                                .getBytes(StandardCharsets.UTF_8));
                case "/bench/direct.js" -> send(x, 200, "text/javascript; charset=utf-8",
                        PAGE_SCRIPT.replace("THREADS", Integer.toString(threads)).getBytes(StandardCharsets.UTF_8));
                case "/bench/next" -> {
                    String c = commands.poll(20, TimeUnit.SECONDS);
                    send(x, 200, "application/json", (c == null ? "{\"op\":\"wait\"}" : c).getBytes(StandardCharsets.UTF_8));
                }
                case "/bench/result" -> {
                    results.add(JSON.readTree(x.getRequestBody()));
                    send(x, 204, null, null);
                }
                default -> {
                    if (path.startsWith("/bench/blob/") && blobs.containsKey(path.substring(12))) {
                        send(x, 200, "application/octet-stream", blobs.get(path.substring(12)));
                    } else if (path.startsWith("/runtime/") || path.startsWith("/models/")) {
                        byte[] body = fetched.get(path);
                        if (body == null) {
                            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(bridge.resolve(path.substring(1)))
                                    .build(), HttpResponse.BodyHandlers.ofByteArray());
                            if (r.statusCode() != 200) {
                                send(x, r.statusCode(), "text/plain", r.body());
                                return;
                            }
                            body = r.body();
                            fetched.put(path, body);
                        }
                        send(x, 200, type(path), body);
                    } else {
                        send(x, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String type(String path) {
        return path.endsWith(".wasm") ? "application/wasm"
                : path.endsWith(".mjs") || path.endsWith(".js") ? "text/javascript; charset=utf-8"
                : "application/octet-stream";
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        // The worker pages' isolation, so that the page is as capable (SharedArrayBuffer) as they are.
        x.getResponseHeaders().set("Cross-Origin-Opener-Policy", "same-origin");
        x.getResponseHeaders().set("Cross-Origin-Embedder-Policy", "require-corp");
        x.getResponseHeaders().set("Cross-Origin-Resource-Policy", "same-origin");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        if (type != null) {
            x.getResponseHeaders().set("Content-Type", type);
        }
        if (body == null) {
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        commands.add("{\"op\":\"stop\"}");
        if (page != null) {
            page.close();
        }
        if (browser != null) {
            browser.close();
        }
        server.stop(0);
        executor.shutdownNow();
    }

    private static final String PAGE_SCRIPT = """
            let ort;
            try {
              ort = await import('/runtime/ort/ort.webgpu.min.mjs');
            } catch (e) {
              await fetch('/bench/result', { method: 'POST', body: JSON.stringify({ error: 'loading ONNX Runtime Web: ' + e }) });
              throw e;
            }
            ort.env.wasm.wasmPaths = new URL('/runtime/ort/', location.href).href;
            ort.env.wasm.numThreads = THREADS;
            ort.env.logLevel = 'error';
            const TYPED = { float32: Float32Array, int64: BigInt64Array, int32: Int32Array, int8: Int8Array,
              uint8: Uint8Array, bool: Uint8Array, float16: Uint16Array };
            let session = null;
            let feeds = null;
            async function handle(cmd) {
              if (cmd.op === 'load') {
                if (session) { await session.release(); session = null; }
                const t0 = performance.now();
                session = await ort.InferenceSession.create(cmd.url,
                  { executionProviders: [cmd.ep], graphOptimizationLevel: 'all', ...(cmd.options || {}) });
                return { loadMs: performance.now() - t0 };
              }
              if (cmd.op === 'inputs') {
                const buffer = await (await fetch('/bench/blob/' + cmd.blob)).arrayBuffer();
                feeds = {};
                for (const t of cmd.tensors) {
                  const Typed = TYPED[t.dtype];
                  feeds[t.name] = new ort.Tensor(t.dtype, new Typed(buffer, t.offset, t.length / Typed.BYTES_PER_ELEMENT), t.shape);
                }
                return {};
              }
              if (cmd.op === 'run') {
                const runMs = [];
                for (let i = 0; i < cmd.count; i++) {
                  const t0 = performance.now();
                  const results = await session.run(feeds);
                  for (const name of session.outputNames) {
                    await results[name].getData();
                  }
                  runMs.push(performance.now() - t0);
                }
                return { runMs };
              }
              throw new Error('unknown command ' + cmd.op);
            }
            await fetch('/bench/result', { method: 'POST', body: JSON.stringify({ ready: true, ort: ort.env.versions,
              crossOriginIsolated: self.crossOriginIsolated }) });
            for (;;) {
              const cmd = await (await fetch('/bench/next')).json();
              if (cmd.op === 'stop') break;
              if (cmd.op === 'wait') continue;
              let result;
              try {
                result = await handle(cmd);
              } catch (e) {
                result = { error: String(e && e.message || e) };
              }
              await fetch('/bench/result', { method: 'POST', body: JSON.stringify(result) });
            }
            """;
}
