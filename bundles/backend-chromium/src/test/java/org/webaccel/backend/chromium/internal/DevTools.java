package org.webaccel.backend.chromium.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** Chromium's DevTools HTTP endpoint, as an outside client uses it. */
final class DevTools {

    private DevTools() {
    }

    /** Closes the tab showing {@code url} through {@code /json/close}. */
    static void closeTarget(int port, URI url) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (JsonElement element : JsonParser.parseString(list).getAsJsonArray()) {
            JsonObject target = element.getAsJsonObject();
            if (target.get("url").getAsString().equals(url.toString())) {
                HttpResponse<String> closed = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/json/close/" + target.get("id").getAsString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (closed.statusCode() != 200) {
                    throw new AssertionError("DevTools refused to close " + url + ": " + closed.body());
                }
                return;
            }
        }
        throw new AssertionError("no DevTools target shows " + url + ": " + list);
    }
}
