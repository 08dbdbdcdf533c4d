package org.webaccel.bridge.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.annotation.Annotation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.transport.ChannelClosedException;
import org.webaccel.api.transport.PageException;
import org.webaccel.api.transport.PageResult;
import org.webaccel.api.transport.WorkerChannel;
import org.webaccel.api.transport.WorkerEndpoint;
import org.webaccel.testing.Await;

/** The bridge over real sockets, with java.net.http playing the page. */
public class NettyBridgeTest {

    /** Seconds a test waits for an expected answer before calling it lost (not a figure under test). */
    private static final long PATIENCE = Await.PATIENCE.toSeconds();
    private static final ModelDescriptor MODEL = new ModelDescriptor("m", "1", ModelType.VISION, "",
            List.of(TensorSpec.of("x", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(3))),
            List.of(TensorSpec.of("y", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(3))), Map.of());
    /** A model whose weights live beside it in weights.bin. */
    private static final ModelDescriptor EXTERNAL = new ModelDescriptor("e", "1", ModelType.VISION, "",
            MODEL.inputs(), MODEL.outputs(), Map.of(), null, List.of("weights.bin"));

    private Path dir;
    private NettyBridge bridge;
    private final HttpClient http = HttpClient.newHttpClient();

    private ModelRepository repo;

    @Before
    public void start() throws Exception {
        dir = Files.createTempDirectory("bridge-test");
        Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3, 4, 5});
        // model m's folder also holds a weights.bin that m does not list, e's folder files it does not list
        Files.write(dir.resolve("weights.bin"), new byte[] {9});
        Path e = Files.createDirectories(dir.resolve("e"));
        Files.write(e.resolve("model.onnx"), new byte[] {1, 2});
        Files.write(e.resolve("weights.bin"), new byte[] {7, 7, 7});
        Files.write(e.resolve("other.bin"), new byte[] {6});
        Files.write(e.resolve("descriptor.json"), new byte[] {'{', '}'});
        ModelRepository repo = new ModelRepository() {
            @Override
            public List<ModelDescriptor> list() {
                return List.of(MODEL, EXTERNAL);
            }

            @Override
            public Optional<ModelDescriptor> find(String name, String version) {
                return list().stream().filter(d -> d.name().equals(name)
                        && (version == null || version.equals(d.version()))).findFirst();
            }

            @Override
            public Path modelFile(ModelDescriptor model) {
                return model.equals(EXTERNAL) ? e.resolve("model.onnx") : dir.resolve("model.onnx");
            }
        };
        this.repo = repo;
        bridge = new NettyBridge(config(true), repo);
    }

    @After
    public void stop() {
        bridge.stop();
    }

    private static BridgeConfig config(boolean faultInjection) {
        return new BridgeConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return BridgeConfig.class;
            }

            @Override
            public String bindAddress() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return 0;
            }

            @Override
            public String advertisedHost() {
                return "";
            }

            @Override
            public int maxFrameBytes() {
                return 1 << 20;
            }

            @Override
            public int wasmThreads() {
                return 1;
            }

            @Override
            public int heartbeatIntervalMillis() {
                return 100;
            }

            @Override
            public int heartbeatTimeoutMillis() {
                return 1000;
            }

            @Override
            public boolean faultInjection() {
                return faultInjection;
            }
        };
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(bridge.baseUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    public void bindsLoopbackByDefault() {
        assertEquals("127.0.0.1", bridge.baseUri().getHost());
    }

    @Test
    public void servesRuntimeWithIsolationHeaders() throws Exception {
        HttpResponse<byte[]> page = get("runtime/worker.html");
        assertEquals(200, page.statusCode());
        assertEquals("same-origin", page.headers().firstValue("Cross-Origin-Opener-Policy").orElse(""));
        assertEquals("require-corp", page.headers().firstValue("Cross-Origin-Embedder-Policy").orElse(""));
        assertTrue(new String(page.body(), StandardCharsets.UTF_8).contains("worker.js"));
        HttpResponse<byte[]> wasm = get("runtime/ort/ort-wasm-simd-threaded.asyncify.wasm");
        assertEquals(200, wasm.statusCode());
        assertEquals("application/wasm", wasm.headers().firstValue("Content-Type").orElse(""));
        assertTrue(wasm.body().length > 1_000_000);
    }

    @Test
    public void servesModelBytesOnlyForKnownModels() throws Exception {
        HttpResponse<byte[]> model = get("models/m/1/model.onnx");
        assertEquals(200, model.statusCode());
        assertEquals(5, model.body().length);
        assertEquals(404, get("models/m/2/model.onnx").statusCode());
        assertEquals(404, get("models/other/1/model.onnx").statusCode());
    }

    @Test
    public void servesOnlyTheExternalDataFilesAModelLists() throws Exception {
        HttpResponse<byte[]> weights = get("models/e/1/weights.bin");
        assertEquals(200, weights.statusCode());
        assertEquals("[7, 7, 7]", java.util.Arrays.toString(weights.body()));
        assertEquals("require-corp", weights.headers().firstValue("Cross-Origin-Embedder-Policy").orElse(""));
        assertEquals(2, get("models/e/1/model.onnx").body().length);
        for (String path : List.of("models/e/1/other.bin", "models/e/1/descriptor.json", "models/m/1/weights.bin",
                "models/e/2/weights.bin", "models/e/1/weights.bin/x", "models/e/1/%2e%2e%2fweights.bin")) {
            assertEquals(path, 404, get(path).statusCode());
        }
    }

    @Test
    public void refusesPathsOutsideTheRuntimeAndRepository() throws Exception {
        for (String path : List.of("runtime/../../etc/passwd", "runtime/..%2f..%2fetc%2fpasswd",
                "runtime/%2e%2e/%2e%2e/etc/passwd", "etc/passwd", "models/m/1/descriptor.json",
                "runtime/worker.html%00.js", "runtime/.hidden")) {
            assertEquals(path, 404, get(path).statusCode());
        }
    }

    @Test
    public void refusesWebSocketsWithoutAValidToken() throws Exception {
        WorkerEndpoint endpoint = bridge.openEndpoint("w1");
        for (String query : List.of("", "?token=", "?token=wrong")) {
            URI ws = URI.create("ws://127.0.0.1:" + bridge.baseUri().getPort() + "/ws" + query);
            try {
                http.newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
                }).get(PATIENCE, TimeUnit.SECONDS);
                fail("connected without a valid token: " + query);
            } catch (java.util.concurrent.ExecutionException expected) {
                assertEquals(403, status(expected));
            }
        }
        assertFalse(endpoint.connected().toCompletableFuture().isDone());
    }

    private static int status(java.util.concurrent.ExecutionException e) {
        return ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }

    /** A page stand-in that says hello and answers a run with y = x * 2 in a binary result frame. */
    private final class Page implements WebSocket.Listener {
        final CompletableFuture<WebSocket> closed = new CompletableFuture<>();
        final java.util.concurrent.BlockingQueue<String> texts = new java.util.concurrent.LinkedBlockingQueue<>();
        /** The header of every frame the page received. */
        final java.util.concurrent.BlockingQueue<String> headers = new java.util.concurrent.LinkedBlockingQueue<>();
        /** When set, the page ignores heartbeats, as a hung page would. */
        volatile boolean silent;
        /** Heartbeats the page answered. */
        final java.util.concurrent.atomic.AtomicInteger pongs = new java.util.concurrent.atomic.AtomicInteger();
        private ByteBuffer partial = ByteBuffer.allocate(0);

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            String text = data.toString();
            if (text.contains("\"type\":\"ping\"")) {
                if (!silent) {
                    ws.sendText(text.replace("ping", "pong"), true);
                    pongs.incrementAndGet();
                }
            } else {
                texts.add(text);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ByteBuffer all = ByteBuffer.allocate(partial.remaining() + data.remaining());
            all.put(partial).put(data).flip();
            partial = all;
            if (last) {
                answer(ws, partial.order(ByteOrder.LITTLE_ENDIAN));
                partial = ByteBuffer.allocate(0);
            }
            ws.request(1);
            return null;
        }

        private void answer(WebSocket ws, ByteBuffer frame) {
            int headerLength = frame.getInt(0);
            String header = StandardCharsets.UTF_8.decode(frame.slice(4, headerLength)).toString();
            headers.add(header);
            if (header.contains("\"model\":\"m:1\"") && header.contains("\"ep\":\"webgpu\"")) {
                ws.sendText("{\"type\":\"error\",\"id\":" + id(header) + ",\"stage\":\"load\",\"message\":"
                        + "\"no adapter\"}", true);
                return;
            }
            int offset = Integer.parseInt(header.replaceAll(".*\"offset\":(\\d+).*", "$1"));
            float[] x = new float[3];
            frame.position(offset);
            frame.asFloatBuffer().get(x);
            String out = "{\"type\":\"result\",\"id\":" + id(header) + ",\"computeMs\":1.5,\"loadMs\":0,"
                    + "\"outputs\":[{\"name\":\"y\",\"dtype\":\"float32\",\"shape\":[1,3],\"offset\":OFF,"
                    + "\"length\":12}]}";
            int off = 0;
            byte[] h = null;
            for (int i = 0; i < 3; i++) {
                h = out.replace("OFF", Integer.toString(off)).getBytes(StandardCharsets.UTF_8);
                off = FrameCodec.align8(4 + h.length);
            }
            ByteBuffer reply = ByteBuffer.allocate(off + 12).order(ByteOrder.LITTLE_ENDIAN);
            reply.putInt(h.length).put(h);
            reply.position(off);
            for (float v : x) {
                reply.putFloat(v * 2);
            }
            reply.flip();
            // java.net.http masks a little-endian buffer in the wrong byte order: send it big-endian.
            ws.sendBinary(reply.order(ByteOrder.BIG_ENDIAN), true);
        }

        private String id(String header) {
            return header.replaceAll(".*\"id\":(\\d+).*", "$1");
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete(ws);
            return null;
        }
    }

    private WebSocket connect(WorkerEndpoint endpoint, Page page) throws Exception {
        String query = endpoint.pageUrl().getRawQuery();
        String token = query.replaceAll(".*token=([^&]+).*", "$1");
        URI ws = URI.create("ws://127.0.0.1:" + bridge.baseUri().getPort() + "/ws?token=" + token);
        WebSocket socket = http.newWebSocketBuilder().buildAsync(ws, page).get(PATIENCE, TimeUnit.SECONDS);
        socket.sendText("{\"type\":\"hello\",\"capabilities\":{\"userAgent\":\"test\",\"ortVersion\":\"1.30.0\","
                + "\"webgpu\":{\"available\":false,\"reason\":\"none\"},\"webnn\":{\"api\":false,\"devices\":{}},"
                + "\"wasmSimd\":true,\"wasmThreads\":true,\"hardwareConcurrency\":2}}", true).join();
        return socket;
    }

    @Test
    public void aRunOfAModelWithExternalDataTellsThePageItsFiles() throws Exception {
        WorkerEndpoint endpoint = bridge.openEndpoint("w1");
        Page page = new Page();
        connect(endpoint, page);
        WorkerChannel channel = endpoint.connected().toCompletableFuture().get(PATIENCE, TimeUnit.SECONDS);
        Tensor x = Tensor.ofFloats(new long[] {1, 3}, 1f, 2f, 3f);
        channel.run(EXTERNAL, ExecutionProvider.WASM, Map.of("x", x), List.of()).toCompletableFuture()
                .get(PATIENCE, TimeUnit.SECONDS);
        String header = page.headers.poll(PATIENCE, TimeUnit.SECONDS);
        assertTrue(header, header.contains("\"url\":\"../models/e/1/model.onnx\",\"externalData\":"
                + "[{\"path\":\"weights.bin\",\"url\":\"../models/e/1/weights.bin\"}]"));
        channel.run(MODEL, ExecutionProvider.WASM, Map.of("x", x), List.of()).toCompletableFuture()
                .get(PATIENCE, TimeUnit.SECONDS);
        header = page.headers.poll(PATIENCE, TimeUnit.SECONDS);
        assertTrue(header, header.contains("\"url\":\"../models/m/1/model.onnx\""));
        assertFalse(header, header.contains("externalData"));
    }

    @Test
    public void runsRequestsOverBinaryFramesAndFailsThemWhenThePageGoes() throws Exception {
        WorkerEndpoint endpoint = bridge.openEndpoint("w1");
        assertTrue(endpoint.pageUrl().toString().startsWith(bridge.baseUri() + "runtime/worker.html?"));
        Page page = new Page();
        WebSocket socket = connect(endpoint, page);
        WorkerChannel channel = endpoint.connected().toCompletableFuture().get(PATIENCE, TimeUnit.SECONDS);
        assertEquals("1.30.0", channel.capabilities().ortVersion());
        assertTrue(channel.capabilities().wasmThreads());
        assertFalse(channel.capabilities().supports(ExecutionProvider.WEBGPU));

        Tensor x = Tensor.ofFloats(new long[] {1, 3}, 1f, -2f, 3.5f);
        PageResult r = channel.run(MODEL, ExecutionProvider.WASM, Map.of("x", x), List.of())
                .toCompletableFuture().get(PATIENCE, TimeUnit.SECONDS);
        assertEquals(1.5, r.computeMs(), 0);
        assertEquals(Tensor.ofFloats(new long[] {1, 3}, 2f, -4f, 7f), r.outputs().get("y"));

        try {
            channel.run(MODEL, ExecutionProvider.WEBGPU, Map.of("x", x), List.of()).toCompletableFuture().join();
            fail("expected the page's error");
        } catch (CompletionException e) {
            assertTrue(e.getCause() instanceof PageException);
            assertEquals("load", ((PageException) e.getCause()).stage());
            assertEquals("no adapter", e.getCause().getMessage());
        }

        // The token was used: a second connection with it is refused.
        try {
            connect(endpoint, new Page());
            fail("token accepted twice");
        } catch (java.util.concurrent.ExecutionException expected) {
            assertEquals(403, status(expected));
        }

        CompletableFuture<String> reason = new CompletableFuture<>();
        channel.onClose(reason::complete);
        socket.abort();
        assertNotNull(reason.get(PATIENCE, TimeUnit.SECONDS));
        assertFalse(channel.isOpen());
        try {
            channel.run(MODEL, ExecutionProvider.WASM, Map.of("x", x), List.of()).toCompletableFuture().join();
            fail("ran on a closed channel");
        } catch (CompletionException e) {
            assertTrue(e.getCause() instanceof ChannelClosedException);
        }
    }

    @Test
    public void anIdlePageThatStopsAnsweringHeartbeatsIsDisconnected() throws Exception {
        WorkerEndpoint e1 = bridge.openEndpoint("w1");
        WorkerEndpoint e2 = bridge.openEndpoint("w2");
        Page hung = new Page();
        hung.silent = true;
        Page alive = new Page();
        connect(e1, hung);
        connect(e2, alive);
        WorkerChannel c1 = e1.connected().toCompletableFuture().get(PATIENCE, TimeUnit.SECONDS);
        WorkerChannel c2 = e2.connected().toCompletableFuture().get(PATIENCE, TimeUnit.SECONDS);
        CompletableFuture<String> reason = new CompletableFuture<>();
        c1.onClose(reason::complete);
        String why = reason.get(PATIENCE, TimeUnit.SECONDS);
        assertTrue(why, why.startsWith(WorkerChannel.MISSED_HEARTBEAT));
        assertFalse(c1.isOpen());
        // The page that answers its heartbeats stays connected, for more heartbeats than the silent one got
        // before it was given up (a timeout of 1 s at one heartbeat every 100 ms: 10).
        int answered = alive.pongs.get();
        Await.until("the answering page answered 20 more heartbeats", () -> alive.pongs.get() >= answered + 20);
        assertTrue(c2.isOpen());
    }

    @Test
    public void faultsReachThePageOnlyWhenInjectionIsOn() throws Exception {
        WorkerEndpoint endpoint = bridge.openEndpoint("w1");
        Page page = new Page();
        connect(endpoint, page);
        endpoint.connected().toCompletableFuture().get(PATIENCE, TimeUnit.SECONDS);
        bridge.injectFault("w1", org.webaccel.api.transport.WorkerBridge.Fault.BUSY_LOOP);
        String msg = page.texts.poll(PATIENCE, TimeUnit.SECONDS);
        assertEquals("{\"type\":\"fault\",\"kind\":\"busy-loop\"}", msg);
        try {
            bridge.injectFault("nobody", org.webaccel.api.transport.WorkerBridge.Fault.CLOSE_SOCKET);
            fail("fault injected into an unknown worker");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("nobody"));
        }
        NettyBridge off = new NettyBridge(config(false), repo);
        try {
            off.injectFault("w1", org.webaccel.api.transport.WorkerBridge.Fault.CLOSE_SOCKET);
            fail("fault injection accepted while off");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("faultInjection=true"));
        } finally {
            off.stop();
        }
    }

    @Test
    public void malformedFramesCloseThatConnectionOnly() throws Exception {
        WorkerEndpoint e1 = bridge.openEndpoint("w1");
        WorkerEndpoint e2 = bridge.openEndpoint("w2");
        Page p1 = new Page();
        WebSocket s1 = connect(e1, p1);
        connect(e2, new Page());
        WorkerChannel c1 = e1.connected().toCompletableFuture().get(PATIENCE, TimeUnit.SECONDS);
        WorkerChannel c2 = e2.connected().toCompletableFuture().get(PATIENCE, TimeUnit.SECONDS);
        s1.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, 0, 0, 1}), true).join();
        p1.closed.get(PATIENCE, TimeUnit.SECONDS);
        assertFalse(c1.isOpen());
        assertTrue(c2.isOpen());
        PageResult r = c2.run(MODEL, ExecutionProvider.WASM, Map.of("x", Tensor.ofFloats(new long[] {1, 3}, 1, 1, 1)),
                List.of()).toCompletableFuture().get(PATIENCE, TimeUnit.SECONDS);
        assertEquals(3, r.outputs().get("y").elementCount());
    }
}
