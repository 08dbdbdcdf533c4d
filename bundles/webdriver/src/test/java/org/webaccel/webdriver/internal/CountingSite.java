package org.webaccel.webdriver.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Pages on 127.0.0.1 that count their requests. A page's script reports that it ran by fetching
 * {@code /ran?<path>}; paths under {@code /missing} answer 404, other unknown paths 204.
 */
final class CountingSite implements AutoCloseable {

    private static final String PAGE = "<!doctype html><title>%s</title><script>fetch('/ran?' + location.pathname)"
            + "</script><p>%s</p>";

    private final HttpServer server;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    CountingSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** @return how often {@code path} was requested, or with {@code /ran?path} how often its script ran */
    int hits(String key) {
        AtomicInteger count = hits.get(key);
        return count == null ? 0 : count.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String key = uri.getPath() + (uri.getQuery() == null ? "" : "?" + uri.getQuery());
        hits.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (uri.getPath().equals("/ran") || uri.getPath().equals("/favicon.ico")) {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            return;
        }
        int status = uri.getPath().startsWith("/missing") ? 404 : 200;
        byte[] body = String.format(PAGE, uri.getPath(), status).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
