package org.webaccel.backend.chromium.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.webaccel.testing.Await;

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
        // The target list shows a new page's URL a moment after its navigation committed: wait for it.
        String id = Await.value("a DevTools target showing " + url, () -> targetId(http, port, url), found -> found != null);
        HttpResponse<String> closed = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/json/close/" + id)).build(), HttpResponse.BodyHandlers.ofString());
        if (closed.statusCode() != 200) {
            throw new AssertionError("DevTools refused to close " + url + ": " + closed.body());
        }
    }

    /** @return the id of the target showing the URL, or null when none does (yet) */
    private static String targetId(HttpClient http, int port, URI url) throws Exception {
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (JsonElement element : JsonParser.parseString(list).getAsJsonArray()) {
            JsonObject target = element.getAsJsonObject();
            if (target.get("url").getAsString().equals(url.toString())) {
                return target.get("id").getAsString();
            }
        }
        return null;
    }
}
