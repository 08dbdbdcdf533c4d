package org.webaccel.bridge.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.PageCapabilities;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.api.transport.ChannelClosedException;
import org.webaccel.api.transport.KeptTensor;
import org.webaccel.api.transport.PageException;
import org.webaccel.api.transport.PageResult;
import org.webaccel.api.transport.WorkerChannel;

/** One worker page's WebSocket: the pool's {@link WorkerChannel} and the Netty handler of its frames. */
final class PageSocket extends SimpleChannelInboundHandler<WebSocketFrame> implements WorkerChannel {
    private static final Logger LOG = System.getLogger(PageSocket.class.getName());
    private static final ObjectMapper CAPABILITIES = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final String workerId;
    private final Channel channel;
    private final FrameCodec codec;
    private final ObjectMapper json;
    private final CompletableFuture<WorkerChannel> hello;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final List<Consumer<String>> closeListeners = new CopyOnWriteArrayList<>();
    private volatile PageCapabilities capabilities;
    private volatile String closedReason;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile io.netty.util.concurrent.ScheduledFuture<?> heartbeat;

    /** A request sent and not yet answered, with the times of its way out (JVM clock). */
    private static final class Pending {
        final CompletableFuture<PageResult> result;
        final long startNanos;
        final long sentNanos;
        volatile long flushedNanos;

        Pending(CompletableFuture<PageResult> result, long startNanos, long sentNanos) {
            this.result = result;
            this.startNanos = startNanos;
            this.sentNanos = sentNanos;
        }
    }

    PageSocket(String workerId, Channel channel, FrameCodec codec, ObjectMapper json,
            CompletableFuture<WorkerChannel> hello) {
        this.workerId = workerId;
        this.channel = channel;
        this.codec = codec;
        this.json = json;
        this.hello = hello;
    }

    @Override
    public String workerId() {
        return workerId;
    }

    @Override
    public PageCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public CompletionStage<PageResult> run(ModelDescriptor model, ExecutionProvider ep, Map<String, Tensor> inputs,
            List<String> outputs) {
        return run(model, ep, inputs, outputs, Map.of(), Map.of());
    }

    @Override
    public CompletionStage<PageResult> run(ModelDescriptor model, ExecutionProvider ep, Map<String, Tensor> inputs,
            List<String> outputs, Map<String, String> references, Map<String, String> keep) {
        return run(model, ep, inputs, outputs, references, keep, Map.of());
    }

    @Override
    public CompletionStage<PageResult> run(ModelDescriptor model, ExecutionProvider ep, Map<String, Tensor> inputs,
            List<String> outputs, Map<String, String> references, Map<String, String> keep,
            Map<String, String> adopt) {
        ObjectNode header = json.createObjectNode();
        header.put("type", "run");
        header.put("model", model.id());
        String folder = "../models/" + encode(model.name()) + "/" + encode(model.version()) + "/";
        header.put("url", folder + ModelFiles.MODEL_FILE);
        if (!model.externalData().isEmpty()) {
            // the weights beside the model: the page hands these to ONNX Runtime Web as the session's external data
            var files = header.putArray("externalData");
            model.externalData().forEach(f -> files.addObject().put("path", f).put("url", folder + encode(f)));
        }
        header.put("ep", ep.id());
        outputs.forEach(header.putArray("outputs")::add);
        named(header, "refs", references);
        named(header, "keep", keep);
        named(header, "adopt", adopt);
        return send(header, inputs);
    }

    @Override
    public CompletionStage<Map<String, Tensor>> fetchTensors(java.util.Collection<String> tensorIds) {
        ObjectNode header = json.createObjectNode().put("type", "fetch");
        tensorIds.forEach(header.putArray("ids")::add);
        return send(header, Map.of()).thenApply(PageResult::outputs);
    }

    /** Adds {@code [{"name": ..., "id": ...}]} under {@code field} when there are any. */
    private static void named(ObjectNode header, String field, Map<String, String> byName) {
        if (!byName.isEmpty()) {
            var list = header.putArray(field);
            byName.forEach((name, tensorId) -> list.addObject().put("name", name).put("id", tensorId));
        }
    }

    /** Sends one binary request frame; the page's result frame with the same id completes it. */
    private CompletableFuture<PageResult> send(ObjectNode header, Map<String, Tensor> inputs) {
        long start = System.nanoTime();
        CompletableFuture<PageResult> result = new CompletableFuture<>();
        if (closedReason != null) {
            result.completeExceptionally(new ChannelClosedException(closedReason));
            return result;
        }
        long id = ids.incrementAndGet();
        header.put("id", id);
        ByteBuf frame;
        try {
            frame = codec.encode(header, inputs);
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(e);
            return result;
        }
        Pending p = new Pending(result, start, System.nanoTime());
        pending.put(id, p);
        channel.writeAndFlush(new BinaryWebSocketFrame(frame)).addListener(f -> {
            p.flushedNanos = System.nanoTime();
            if (!f.isSuccess()) {
                fail(id, new ChannelClosedException("sending the request failed: " + f.cause()));
            }
        });
        // The socket may have closed between the check above and registering: fail rather than hang.
        if (closedReason != null) {
            fail(id, new ChannelClosedException(closedReason));
        }
        return result;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void fail(long id, Throwable error) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.result.completeExceptionally(error);
        }
    }

    /**
     * Sends the page a ping every interval. A page that has sent nothing for the timeout while it runs no
     * request is taken as hung: its connection closes with a reason starting {@link #MISSED_HEARTBEAT}.
     */
    void startHeartbeat(long intervalMillis, long timeoutMillis) {
        lastHeardNanos = System.nanoTime();
        heartbeat = channel.eventLoop().scheduleAtFixedRate(() -> {
            if (closedReason != null) {
                heartbeat.cancel(false);
                return;
            }
            long silentMs = (System.nanoTime() - lastHeardNanos) / 1_000_000;
            if (pending.isEmpty() && silentMs > timeoutMillis) {
                LOG.log(Level.WARNING, "worker " + workerId + " missed its heartbeats for " + silentMs + " ms");
                close(MISSED_HEARTBEAT + ": the idle page sent nothing for " + silentMs + " ms");
                return;
            }
            ObjectNode ping = json.createObjectNode().put("type", "ping").put("t", System.currentTimeMillis());
            channel.writeAndFlush(new TextWebSocketFrame(ping.toString()));
        }, intervalMillis, intervalMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void releaseTensors(java.util.Collection<String> tensorIds) {
        if (tensorIds.isEmpty() || closedReason != null) {
            return;
        }
        ObjectNode msg = json.createObjectNode().put("type", "release");
        tensorIds.forEach(msg.putArray("ids")::add);
        channel.writeAndFlush(new TextWebSocketFrame(msg.toString()));
    }

    @Override
    public void unloadModel(String modelId) {
        if (closedReason == null) {
            channel.writeAndFlush(new TextWebSocketFrame(json.createObjectNode().put("type", "unload")
                    .put("model", modelId).toString()));
        }
    }

    /** Asks the page to commit a fault (see {@code WorkerBridge.Fault}). */
    void injectFault(String kind) {
        ObjectNode msg = json.createObjectNode().put("type", "fault").put("kind", kind);
        channel.writeAndFlush(new TextWebSocketFrame(msg.toString()));
    }

    @Override
    public boolean isOpen() {
        return closedReason == null && channel.isActive();
    }

    @Override
    public void onClose(Consumer<String> listener) {
        closeListeners.add(listener);
        String reason = closedReason;
        if (reason != null && closeListeners.remove(listener)) {
            listener.accept(reason);
        }
    }

    @Override
    public void close(String reason) {
        closed(reason);
        channel.writeAndFlush(new CloseWebSocketFrame(1000, truncate(reason)))
                .addListener(f -> channel.close());
    }

    private static String truncate(String s) {
        // A close frame's reason must fit in 123 bytes.
        return s.length() > 100 ? s.substring(0, 100) : s;
    }

    private void closed(String reason) {
        synchronized (this) {
            if (closedReason != null) {
                return;
            }
            closedReason = reason;
        }
        var beat = heartbeat;
        if (beat != null) {
            beat.cancel(false);
        }
        hello.completeExceptionally(new ChannelClosedException("page closed before saying hello: " + reason));
        for (Long id : List.copyOf(pending.keySet())) {
            fail(id, new ChannelClosedException(reason));
        }
        for (Consumer<String> l : closeListeners) {
            if (closeListeners.remove(l)) {
                l.accept(reason);
            }
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        long arrived = System.nanoTime();
        lastHeardNanos = arrived;
        try {
            if (frame instanceof TextWebSocketFrame text) {
                onText(json.readTree(text.text()));
            } else if (frame instanceof BinaryWebSocketFrame binary) {
                onResult(codec.decode(binary.content(), "outputs"), arrived);
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof CloseWebSocketFrame close) {
                closed("page closed its WebSocket (" + close.statusCode() + " " + close.reasonText() + ")");
                ctx.close();
            }
        } catch (IOException | RuntimeException e) {
            // A malformed message ends this page's connection only; its requests fail and are retried elsewhere.
            LOG.log(Level.WARNING, "worker " + workerId + " sent a malformed frame: " + e.getMessage());
            close("malformed frame from page: " + e.getMessage());
        }
    }

    private void onText(JsonNode msg) throws IOException {
        switch (msg.path("type").asText()) {
            case "hello" -> {
                capabilities = CAPABILITIES.treeToValue(msg.path("capabilities"), PageCapabilities.class);
                hello.complete(this);
            }
            case "error" -> fail(msg.path("id").asLong(),
                    new PageException(msg.path("stage").asText("run"), msg.path("name").asText(""),
                            msg.path("message").asText()));
            case "pong" -> {
                // Heartbeat answers carry nothing else yet.
            }
            default -> throw new IOException("unknown message type '" + msg.path("type").asText() + "'");
        }
    }

    private void onResult(FrameCodec.Decoded d, long arrivedNanos) throws IOException {
        if (!"result".equals(d.header().path("type").asText())) {
            throw new IOException("binary frame of type '" + d.header().path("type").asText() + "'");
        }
        long id = d.header().path("id").asLong();
        Pending p = pending.remove(id);
        List<KeptTensor> kept = kept(d.header());
        if (p == null) {
            LOG.log(Level.DEBUG, "worker " + workerId + " answered request " + id + " that is no longer waiting");
            // Nobody will ever own what it kept for that request.
            releaseTensors(kept.stream().map(KeptTensor::id).toList());
            return;
        }
        long decoded = System.nanoTime();
        double roundTripMs = (decoded - p.sentNanos) / 1e6;
        p.result.complete(new PageResult(d.tensors(), d.header().path("computeMs").asDouble(),
                d.header().path("loadMs").asDouble(), roundTripMs, kept, stages(p, d.header(), arrivedNanos, decoded)));
    }

    /** Where the round trip went: the JVM's own steps by its clock, the page's by the page's. */
    private static Map<String, Double> stages(Pending p, JsonNode header, long arrivedNanos, long decodedNanos) {
        JsonNode page = header.path("stages");
        long flushed = p.flushedNanos;
        if (!page.isObject() || flushed == 0) {
            return Map.of();
        }
        double queue = page.path("queue").asDouble();
        double prepare = page.path("prepare").asDouble();
        double run = page.path("run").asDouble();
        double read = page.path("read").asDouble();
        Map<String, Double> stages = new java.util.LinkedHashMap<>();
        stages.put(PageResult.Stages.ENCODE, (p.sentNanos - p.startNanos) / 1e6);
        stages.put(PageResult.Stages.WRITE, (flushed - p.sentNanos) / 1e6);
        stages.put(PageResult.Stages.PAGE_QUEUE, queue);
        stages.put(PageResult.Stages.PAGE_PREPARE, prepare);
        stages.put(PageResult.Stages.PAGE_RUN, run);
        stages.put(PageResult.Stages.PAGE_READ, read);
        stages.put(PageResult.Stages.WIRE, Math.max(0, (arrivedNanos - flushed) / 1e6 - queue - prepare - run - read
                - header.path("loadMs").asDouble()));
        stages.put(PageResult.Stages.DECODE, (decodedNanos - arrivedNanos) / 1e6);
        return stages;
    }

    private static List<KeptTensor> kept(JsonNode header) throws IOException {
        List<KeptTensor> kept = new java.util.ArrayList<>();
        for (JsonNode k : header.path("kept")) {
            long[] shape = new long[k.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = k.path("shape").get(i).asLong();
            }
            try {
                kept.add(new KeptTensor(k.path("name").asText(), k.path("id").asText(),
                        org.webaccel.api.tensor.DType.of(k.path("dtype").asText()), shape, k.path("bytes").asLong(),
                        k.path("location").asText("cpu")));
            } catch (IllegalArgumentException e) {
                throw new IOException("kept tensor '" + k.path("name").asText() + "': " + e.getMessage());
            }
        }
        return kept;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed("WebSocket connection lost");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.WARNING, "worker " + workerId + " connection error: " + cause);
        closed("connection error: " + cause.getMessage());
        ctx.close();
    }
}
