package org.webaccel.example.devtools;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.webaccel.api.spi.BackendException;

/**
 * The DevTools HTTP endpoint of one browser ({@code http://127.0.0.1:PORT/json/...}): enough to open and
 * close tabs without a WebSocket. Its answers are small JSON objects; two fields are read with patterns so
 * that the bundle needs no JSON library.
 */
final class DevToolsEndpoint {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern BROWSER = Pattern.compile("\"Browser\"\\s*:\\s*\"[^/\"]*/([^\"]+)\"");

    private final HttpClient http;
    private final URI base;

    /**
     * @param http the client, shared by every browser of the backend (it is thread-safe)
     * @param port the port Chromium printed
     */
    DevToolsEndpoint(HttpClient http, int port) {
        this.http = http;
        this.base = URI.create("http://127.0.0.1:" + port + "/json/");
    }

    /**
     * @return the version the running browser reports, e.g. {@code 156.0.8078.108}
     * @throws BackendException when the endpoint does not answer
     */
    String browserVersion() throws BackendException {
        String body = call("GET", "version");
        Matcher m = BROWSER.matcher(body);
        return m.find() ? m.group(1) : "unknown";
    }

    /**
     * Opens a tab at {@code url}. Chromium answers once the tab exists and its navigation has started.
     *
     * @param url the page to load
     * @return the tab's target id
     * @throws BackendException when Chromium refuses or does not answer
     */
    String newPage(URI url) throws BackendException {
        // The whole URL travels as the query and Chromium unescapes it; unescaped, the '&' between the
        // worker URL's own parameters would cut it short. URLEncoder writes spaces as '+', which Chromium
        // would keep literally, hence %20.
        String query = URLEncoder.encode(url.toString(), StandardCharsets.UTF_8).replace("+", "%20");
        // Chromium accepts only PUT here, since version 111.
        String body = call("PUT", "new?" + query);
        Matcher m = ID.matcher(body);
        if (!m.find()) {
            throw new BackendException("DevTools answered /json/new without a target id: " + body);
        }
        return m.group(1);
    }

    /**
     * Closes a tab.
     *
     * @param id the tab's target id
     * @throws BackendException when Chromium does not know the tab or does not answer
     */
    void closePage(String id) throws BackendException {
        call("GET", "close/" + id);
    }

    private String call(String method, String path) throws BackendException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new BackendException(method + " " + request.uri() + " answered " + response.statusCode()
                        + ": " + response.body().strip());
            }
            return response.body();
        } catch (IOException e) {
            throw new BackendException(method + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted during " + method + " " + request.uri(), e);
        }
    }

    /** @return a client for DevTools endpoints on this machine */
    static HttpClient newClient() {
        return HttpClient.newBuilder()
                // Chromium's DevTools server speaks HTTP/1.1 only; a proxy configured for the JVM must not
                // see requests to 127.0.0.1.
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(TIMEOUT)
                .build();
    }
}
