package org.webaccel.webdriver.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.json.Json;
import org.openqa.selenium.json.JsonException;
import org.webaccel.api.spi.BackendException;
import org.webaccel.webdriver.GridStatus;

/** Reads a Selenium Grid 4's {@code /status}: {@code {"value": {"ready", "message", "nodes": [...]}}}. */
final class GridStatusReader {

    private final HttpClient http;
    private final Json json = new Json();

    /** @param http the client; it follows no redirects, so a proxy's login page is not taken for a Grid */
    GridStatusReader(HttpClient http) {
        this.http = http;
    }

    GridStatus read(URI grid, Duration timeout) throws BackendException {
        URI status = URI.create(grid.toString().replaceAll("/+$", "") + "/status");
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(status).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            throw new BackendException("cannot reach the Selenium Grid at " + grid + ": " + Failures.summary(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while asking " + status, e);
        }
        if (response.statusCode() != 200) {
            throw new BackendException("the Selenium Grid at " + grid + " answered " + response.statusCode()
                    + " to GET /status");
        }
        try {
            return parse(json.toType(response.body(), Json.MAP_TYPE));
        } catch (JsonException | ClassCastException | NullPointerException e) {
            throw new BackendException(status + " did not answer like a Selenium Grid 4: " + Failures.summary(e), e);
        }
    }

    private static GridStatus parse(Map<String, Object> body) {
        Map<?, ?> value = (Map<?, ?>) body.get("value");
        boolean ready = Boolean.TRUE.equals(value.get("ready"));
        String message = String.valueOf(value.get("message"));
        List<GridStatus.Slot> slots = new ArrayList<>();
        Object nodes = value.get("nodes");
        if (nodes instanceof List<?> list) {
            for (Object node : list) {
                Map<?, ?> n = (Map<?, ?>) node;
                if (!"UP".equals(n.get("availability")) || !(n.get("slots") instanceof List<?> nodeSlots)) {
                    continue;
                }
                for (Object slot : nodeSlots) {
                    Map<?, ?> s = (Map<?, ?>) slot;
                    Map<?, ?> stereotype = (Map<?, ?>) s.get("stereotype");
                    slots.add(new GridStatus.Slot(text(stereotype.get("browserName")),
                            text(stereotype.get("browserVersion")), text(stereotype.get("platformName")),
                            s.get("session") != null));
                }
            }
        }
        return new GridStatus(ready, message, slots);
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
