package org.webaccel.backend.firefox.internal;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.webaccel.api.spi.BackendException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Opens worker tabs: a background tab navigated until its navigation commits, that is until the server has
 * answered. The page then connects back to the bridge on its own; waiting for its load event would only
 * add the time its scripts take.
 *
 * <p>{@code browsingContext.navigate} with {@code wait: none} is answered by Firefox once the navigation
 * has committed, or with an error such as {@code NS_ERROR_CONNECTION_REFUSED}. An HTTP error status still
 * commits (the server's error page is shown), so the status comes from the navigation's
 * {@code network.responseStarted} event, subscribed to for that tab alone and only while it navigates.
 */
final class TabOpener {

    /**
     * A committed navigation.
     *
     * @param id the navigation's id
     * @param url the URL as Firefox reports it
     */
    record Navigation(String id, String url) {
    }

    private final BidiConnection connection;
    /** The last response event of each tab that is navigating, by context; after a redirect, the last counts. */
    private final Map<String, JsonNode> responses = new ConcurrentHashMap<>();

    TabOpener(BidiConnection connection) {
        this.connection = connection;
    }

    /**
     * Opens a tab in the background, so that Firefox's first tab stays selected and every worker tab is
     * treated alike.
     *
     * @param deadline when to give up
     * @return the new tab's browsing context id
     * @throws BidiException when Firefox refuses
     */
    String createTab(Deadline deadline) throws BidiException {
        return connection.call("browsingContext.create",
                BidiConnection.params().put("type", "tab").put("background", true), deadline.remaining())
                .path("context").asText();
    }

    /**
     * Navigates a tab.
     *
     * @param context the tab
     * @param url where to
     * @param deadline when to give up
     * @return the committed navigation
     * @throws BackendException when the navigation fails, the server answers with an error status, or the
     *         browser does not answer in time
     */
    Navigation navigate(String context, URI url, Deadline deadline) throws BackendException {
        String subscription = null;
        responses.put(context, BidiConnection.params());
        try {
            subscription = connection.call("session.subscribe", BidiConnection.params()
                    .<ObjectNode>set("events", BidiConnection.array(List.of("network.responseStarted")))
                    .set("contexts", BidiConnection.array(List.of(context))), deadline.remaining())
                    .path("subscription").asText(null);
            JsonNode navigated = connection.call("browsingContext.navigate", BidiConnection.params()
                    .put("context", context).put("url", url.toString()).put("wait", "none"), deadline.remaining());
            Navigation navigation = new Navigation(navigated.path("navigation").asText(),
                    navigated.path("url").asText(url.toString()));
            // Firefox sends the response event before it answers the command, on the same connection.
            JsonNode seen = responses.get(context);
            if (seen.path("navigation").asText().equals(navigation.id())) {
                int status = seen.path("response").path("status").asInt();
                if (status >= 400) {
                    throw new BackendException("cannot open " + url + ": the server answered " + status + " "
                            + seen.path("response").path("statusText").asText());
                }
            }
            return navigation;
        } catch (BidiException e) {
            throw new BackendException("cannot open " + url + ": " + e.getMessage());
        } finally {
            responses.remove(context);
            if (subscription != null) {
                connection.send("session.unsubscribe",
                        BidiConnection.params().set("subscriptions", BidiConnection.array(List.of(subscription))));
            }
        }
    }

    /**
     * Takes in a {@code network.responseStarted} event; runs on the connection's receiving thread.
     *
     * @param params the event's parameters
     */
    void responseStarted(JsonNode params) {
        if (params.hasNonNull("navigation")) {
            responses.computeIfPresent(params.path("context").asText(), (context, previous) -> params);
        }
    }
}
