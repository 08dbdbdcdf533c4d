package org.webaccel.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

/**
 * A backend whose "pages" are WebSocket clients in this JVM speaking the worker protocol to the real bridge:
 * they report WebGPU and wasm, answer each request with ONNX Runtime Java's result, and report the errors
 * ONNX Runtime Web raises for an operator an execution provider cannot run where the test says so. It
 * produces, on demand, the failures no browser on this machine can be made to produce.
 */
final class ScriptedBackend implements BrowserBackend {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelRepository repository;
    private final NativeReference reference;
    /** The execution providers on which a model cannot run in these pages, by model name. */
    private final Function<String, List<ExecutionProvider>> unsupported;
    private final HttpClient http = HttpClient.newHttpClient();
    final AtomicInteger refusals = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();

    ScriptedBackend(ModelRepository repository, NativeReference reference,
            Function<String, List<ExecutionProvider>> unsupported) {
        this.repository = repository;
        this.reference = reference;
        this.unsupported = unsupported;
    }

    @Override
    public BackendDescription describe() {
        return BackendDescription.available("scripted", "scripted", "1");
    }

    @Override
    public BrowserInstance launch(LaunchSpec spec) {
        return new BrowserInstance() {
            private final List<WebSocket> sockets = new ArrayList<>();
            private volatile boolean alive = true;

            @Override
            public String id() {
                return spec.id();
            }

            @Override
            public OptionalLong pid() {
                return OptionalLong.empty();
            }

            @Override
            public String version() {
                return "1";
            }

            @Override
            public BrowserPage openPage(URI url) throws BackendException {
                BrowserInstance self = this;
                String token = url.getRawQuery().replaceAll(".*token=([^&]+).*", "$1");
                URI ws = URI.create("ws://" + url.getHost() + ":" + url.getPort() + "/ws?token=" + token);
                try {
                    WebSocket socket = http.newWebSocketBuilder().buildAsync(ws, new Page())
                            .get(10, TimeUnit.SECONDS);
                    socket.sendText("{\"type\":\"hello\",\"capabilities\":{\"userAgent\":\"scripted\","
                            + "\"ortVersion\":\"scripted\",\"webgpu\":{\"available\":true,\"vendor\":\"scripted\"},"
                            + "\"webnn\":{\"api\":false,\"devices\":{}},\"wasmSimd\":true,\"wasmThreads\":false,"
                            + "\"hardwareConcurrency\":1}}", true).join();
                    sockets.add(socket);
                    String id = spec.id() + "-page" + sockets.size();
                    return new BrowserPage() {
                        @Override
                        public String id() {
                            return id;
                        }

                        @Override
                        public BrowserInstance browser() {
                            return self;
                        }

                        @Override
                        public void close() {
                            socket.abort();
                        }
                    };
                } catch (Exception e) {
                    throw new BackendException("scripted page could not connect: " + e, e);
                }
            }

            @Override
            public boolean isAlive() {
                return alive;
            }

            @Override
            public void close() {
                alive = false;
                sockets.forEach(WebSocket::abort);
            }
        };
    }

    /** One page: answers each run frame, by the worker protocol's binary layout. */
    private final class Page implements WebSocket.Listener {
        private ByteBuffer partial = ByteBuffer.allocate(0);

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            String text = data.toString();
            if (text.contains("\"ping\"")) {
                ws.sendText(text.replace("\"ping\"", "\"pong\""), true);
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
                try {
                    answer(ws, partial.order(ByteOrder.LITTLE_ENDIAN));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial = ByteBuffer.allocate(0);
            }
            ws.request(1);
            return null;
        }

        private void answer(WebSocket ws, ByteBuffer frame) throws Exception {
            int headerLength = frame.getInt(0);
            JsonNode header = JSON.readTree(StandardCharsets.UTF_8.decode(frame.slice(4, headerLength)).toString());
            long id = header.path("id").asLong();
            String model = header.path("model").asText();
            String name = model.substring(0, model.lastIndexOf(':'));
            ExecutionProvider ep = ExecutionProvider.of(header.path("ep").asText());
            if (unsupported.apply(name).contains(ep)) {
                refusals.incrementAndGet();
                ObjectNode error = JSON.createObjectNode().put("type", "error").put("id", id).put("stage", "load")
                        .put("name", "Error").put("message", "Could not find an implementation for ScriptedOp(1) "
                                + "node with name 'op' on " + ep);
                ws.sendText(error.toString(), true).join();
                return;
            }
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            for (JsonNode t : header.path("inputs")) {
                long[] shape = JSON.convertValue(t.path("shape"), long[].class);
                byte[] bytes = new byte[t.path("length").asInt()];
                frame.slice(t.path("offset").asInt(), bytes.length).get(bytes);
                inputs.put(t.path("name").asText(), Tensor.wrap(DType.of(t.path("dtype").asText()), shape, bytes));
            }
            ModelDescriptor d = repository.find(name, model.substring(model.lastIndexOf(':') + 1)).orElseThrow();
            Map<String, Tensor> outputs = reference.runTensors(repository.modelFile(d), inputs);
            ws.sendBinary(resultFrame(id, outputs), true).join();
            answered.incrementAndGet();
        }
    }

    /** {@code [u32 header length][header][pad to 8][tensors at 8-aligned offsets]}, offsets from the frame start. */
    private static ByteBuffer resultFrame(long id, Map<String, Tensor> outputs) {
        List<byte[]> payloads = outputs.values().stream().map(Tensor::toByteArray).toList();
        byte[] header = null;
        int start = 0;
        for (int round = 0; round < 4; round++) {
            ObjectNode h = JSON.createObjectNode().put("type", "result").put("id", id).put("computeMs", 0.0)
                    .put("loadMs", 0.0);
            ArrayNode list = h.putArray("outputs");
            int offset = start;
            int i = 0;
            for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
                ObjectNode o = list.addObject().put("name", e.getKey()).put("dtype", "float32")
                        .put("offset", offset).put("length", payloads.get(i).length);
                ArrayNode shape = o.putArray("shape");
                for (long s : e.getValue().shape()) {
                    shape.add(s);
                }
                offset = align8(offset + payloads.get(i++).length);
            }
            header = h.toString().getBytes(StandardCharsets.UTF_8);
            if (align8(4 + header.length) == start) {
                break;
            }
            start = align8(4 + header.length);
        }
        int total = start + payloads.stream().mapToInt(p -> align8(p.length)).sum();
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(header.length).put(header);
        int pos = start;
        for (byte[] p : payloads) {
            out.position(pos);
            out.put(p);
            pos = align8(pos + p.length);
        }
        out.position(0);
        // java.net.http masks the buffer in its own byte order: hand it a big-endian view of the same bytes.
        return out.order(ByteOrder.BIG_ENDIAN);
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }
}
