package org.webaccel.backend.webnn.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An empty page on the loopback address for the duration of a probe. WebNN exists only in secure contexts,
 * and neither the session's first page ({@code data:,}) nor {@code about:blank} is one; {@code http://127.0.0.1}
 * is.
 */
final class ProbePage implements AutoCloseable {

    private static final byte[] PAGE = "<!doctype html><title>WebAccel WebNN probe</title>".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;

    ProbePage() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ProbePage::answer);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/webnn-probe");
    }

    private static void answer(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, PAGE.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(PAGE);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
