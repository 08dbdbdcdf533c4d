package org.webaccel.bridge.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.webaccel.api.model.ModelRepository;

/**
 * Serves the browser runtime and model bytes (model.onnx and the external data files a model lists,
 * {@link ModelFiles}), and hands WebSocket upgrades to the {@link WorkerSockets}. Nothing else is served: every path is matched against the runtime's files or the repository's models, so
 * there is no file system path to traverse.
 */
final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final RuntimeFiles runtime;
    private final ModelFiles models;
    private final WorkerSockets sockets;

    HttpHandler(RuntimeFiles runtime, ModelRepository models, WorkerSockets sockets) {
        this.runtime = runtime;
        this.models = new ModelFiles(models);
        this.sockets = sockets;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
        if (!request.decoderResult().isSuccess()) {
            send(ctx, request, HttpResponseStatus.BAD_REQUEST, "malformed request");
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String rawPath = uri.rawPath();
        // Decoded segments are checked one by one: an encoded '/' or '..' can never form a path here.
        List<String> segments = segments(rawPath);
        if (segments == null) {
            send(ctx, request, HttpResponseStatus.NOT_FOUND, "no such resource");
            return;
        }
        if (segments.size() == 1 && segments.get(0).equals("ws")) {
            sockets.upgrade(ctx, request, uri.parameters().getOrDefault("token", List.of()));
            return;
        }
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            send(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET is served");
            return;
        }
        if (segments.size() >= 2 && segments.get(0).equals("runtime")) {
            serveRuntime(ctx, request, String.join("/", segments.subList(1, segments.size())));
        } else if (segments.size() == 4 && segments.get(0).equals("models")) {
            serveModel(ctx, request, segments.get(1), segments.get(2), segments.get(3));
        } else {
            send(ctx, request, HttpResponseStatus.NOT_FOUND, "no such resource");
        }
    }

    /** @return the decoded path segments, or null when any is not a plain file name */
    static List<String> segments(String rawPath) {
        String[] raw = rawPath.split("/", -1);
        if (raw.length < 2 || !raw[0].isEmpty()) {
            return null;
        }
        String[] out = new String[raw.length - 1];
        for (int i = 1; i < raw.length; i++) {
            String s = QueryStringDecoder.decodeComponent(raw[i], StandardCharsets.UTF_8);
            if (!SEGMENT.matcher(s).matches() || s.contains("..")) {
                return null;
            }
            out[i - 1] = s;
        }
        return List.of(out);
    }

    private void serveRuntime(ChannelHandlerContext ctx, FullHttpRequest request, String path) throws IOException {
        Optional<RuntimeFiles.File> file = runtime.get(path);
        if (file.isEmpty()) {
            send(ctx, request, HttpResponseStatus.NOT_FOUND, "no such runtime file");
            return;
        }
        RuntimeFiles.File f = file.get();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                request.method() == HttpMethod.HEAD ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(f.bytes()));
        isolate(response.headers());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, f.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, f.bytes().length);
        // ONNX Runtime's files are versioned by the bundle: let each browser keep them.
        response.headers().set(HttpHeaderNames.CACHE_CONTROL,
                path.startsWith("ort/") ? "public, max-age=31536000, immutable" : "no-cache");
        write(ctx, request, response);
    }

    /** Streams model.onnx or one of the model's external data files from disk, zero-copy. */
    private void serveModel(ChannelHandlerContext ctx, FullHttpRequest request, String name, String version,
            String fileName) throws IOException {
        Optional<Path> file = models.find(name, version, fileName);
        if (file.isEmpty()) {
            send(ctx, request, HttpResponseStatus.NOT_FOUND, "no file " + fileName + " of model " + name + ":"
                    + version);
            return;
        }
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile(file.get().toFile(), "r");
        } catch (FileNotFoundException e) {
            // removed since the repository last scanned its folder
            send(ctx, request, HttpResponseStatus.NOT_FOUND, "file " + fileName + " of model " + name + ":"
                    + version + " is gone");
            return;
        }
        long length = raf.length();
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        isolate(response.headers());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ctx.write(response);
        if (request.method() == HttpMethod.HEAD) {
            raf.close();
        } else {
            ctx.write(new DefaultFileRegion(raf.getChannel(), 0, length));
        }
        ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Cross-origin isolation, so that pages get SharedArrayBuffer and wasm threads. */
    private static void isolate(HttpHeaders h) {
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Embedder-Policy", "require-corp");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
        h.set("X-Content-Type-Options", "nosniff");
    }

    static void send(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        isolate(response.headers());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        write(ctx, request, response);
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
