package org.webaccel.testing;

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
 * A web site on 127.0.0.1 that serves fixed pages and counts the requests for every path, and for every path
 * with its query ({@code hits("/ran?/first")}). Paths under {@code /missing} answer 404. Other unknown paths
 * answer 204, or, with {@link #reportingPages()}, a page whose script fetches {@code /ran?<its path>}, so a
 * test sees that it ran.
 */
public final class TestSite implements AutoCloseable {

    private static final String REPORTING_PAGE = "<!doctype html><title>%s</title>"
            + "<script>fetch('/ran?' + location.pathname)</script><p>%s</p>";

    private final HttpServer server;
    private final Map<String, String> pages = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private volatile boolean reporting;

    public TestSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    /** Serves {@code html} at {@code path}. */
    public TestSite page(String path, String html) {
        pages.put(path, html);
        return this;
    }

    /** Serves a page that reports it ran at every unknown path outside {@code /missing}. */
    public TestSite reportingPages() {
        reporting = true;
        return this;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    /** @return how often {@code key} (a path, or a path with its query) was requested */
    public int hits(String key) {
        AtomicInteger count = hits.get(key);
        return count == null ? 0 : count.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String path = uri.getPath();
        count(path);
        if (uri.getQuery() != null) {
            count(path + "?" + uri.getQuery());
        }
        String html = pages.get(path);
        int status = 200;
        if (html == null) {
            if (path.startsWith("/missing")) {
                status = 404;
                html = String.format(REPORTING_PAGE, "not here", 404);
            } else if (reporting && !path.equals("/ran") && !path.equals("/favicon.ico")) {
                html = String.format(REPORTING_PAGE, path, 200);
            } else {
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
                return;
            }
        }
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void count(String key) {
        hits.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
