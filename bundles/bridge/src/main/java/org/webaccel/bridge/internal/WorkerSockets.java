package org.webaccel.bridge.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.webaccel.api.transport.WorkerChannel;
import org.webaccel.api.transport.WorkerEndpoint;

/**
 * The worker tokens the bridge has issued and the WebSocket connections that present them. A token is
 * accepted once: a second connection with the same token, or one with no or an unknown token, is refused
 * before the upgrade.
 */
final class WorkerSockets {
    private static final Logger LOG = System.getLogger(WorkerSockets.class.getName());

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Endpoint> waiting = new ConcurrentHashMap<>();
    private final Map<String, PageSocket> open = new ConcurrentHashMap<>();
    private final FrameCodec codec;
    private final ObjectMapper json;
    private final int maxFrameBytes;
    private final long heartbeatIntervalMillis;
    private final long heartbeatTimeoutMillis;

    WorkerSockets(FrameCodec codec, ObjectMapper json, int maxFrameBytes, long heartbeatIntervalMillis,
            long heartbeatTimeoutMillis) {
        this.codec = codec;
        this.json = json;
        this.maxFrameBytes = maxFrameBytes;
        this.heartbeatIntervalMillis = heartbeatIntervalMillis;
        this.heartbeatTimeoutMillis = heartbeatTimeoutMillis;
    }

    final class Endpoint implements WorkerEndpoint {
        private final String workerId;
        private final String token;
        private final URI pageUrl;
        private final CompletableFuture<WorkerChannel> connected = new CompletableFuture<>();

        Endpoint(String workerId, String token, URI pageUrl) {
            this.workerId = workerId;
            this.token = token;
            this.pageUrl = pageUrl;
        }

        @Override
        public String workerId() {
            return workerId;
        }

        @Override
        public URI pageUrl() {
            return pageUrl;
        }

        @Override
        public CompletionStage<WorkerChannel> connected() {
            return connected;
        }

        @Override
        public void revoke() {
            if (waiting.remove(token, this)) {
                connected.completeExceptionally(new IllegalStateException("endpoint of " + workerId + " revoked"));
            }
        }
    }

    Endpoint issue(String workerId, URI base, int wasmThreads) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        URI url = base.resolve("runtime/worker.html?worker=" + workerId.replaceAll("[^A-Za-z0-9._-]", "_")
                + "&threads=" + wasmThreads + "&token=" + token);
        Endpoint e = new Endpoint(workerId, token, url);
        waiting.put(token, e);
        return e;
    }

    void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, List<String> tokens) {
        Endpoint endpoint = tokens.size() == 1 ? waiting.remove(tokens.get(0)) : null;
        if (endpoint == null) {
            LOG.log(Level.WARNING, "refused a worker WebSocket from " + ctx.channel().remoteAddress()
                    + ": missing, unknown or already used token");
            HttpHandler.send(ctx, request, HttpResponseStatus.FORBIDDEN, "missing, unknown or already used token");
            return;
        }
        String location = "ws://" + request.headers().get("Host") + "/ws";
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null, false,
                maxFrameBytes).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            endpoint.connected.completeExceptionally(new IllegalStateException("unsupported WebSocket version"));
            return;
        }
        PageSocket socket = new PageSocket(endpoint.workerId, ctx.channel(), codec, json, endpoint.connected);
        handshaker.handshake(ctx.channel(), request).addListener(f -> {
            if (!f.isSuccess()) {
                endpoint.connected.completeExceptionally(f.cause());
                return;
            }
            ChannelPipeline p = ctx.pipeline();
            p.addLast(new WebSocketFrameAggregator(maxFrameBytes));
            p.addLast(socket);
            p.remove(HttpHandler.class);
            open.put(endpoint.token, socket);
            socket.onClose(reason -> open.remove(endpoint.token));
            socket.startHeartbeat(heartbeatIntervalMillis, heartbeatTimeoutMillis);
        });
    }

    /** @return the connected page of a worker, if any */
    java.util.Optional<PageSocket> connected(String workerId) {
        return open.values().stream().filter(s -> s.workerId().equals(workerId)).findFirst();
    }

    void closeAll(String reason) {
        waiting.values().forEach(Endpoint::revoke);
        open.values().forEach(s -> s.close(reason));
    }
}
