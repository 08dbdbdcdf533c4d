package org.webaccel.backend.firefox.internal;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A WebDriver BiDi client on one WebSocket: numbered commands answered through futures, and events handed
 * to one listener.
 *
 * <p>The listener and the close handler run on the WebSocket's receiving thread, in the order the browser
 * sent the messages; they must not block, and above all must not wait for a command's answer, which
 * arrives on that same thread.
 */
final class BidiConnection implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BidiConnection.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Receives the browser's events. */
    @FunctionalInterface
    interface EventListener {
        /**
         * @param method the event, e.g. {@code browsingContext.contextDestroyed}
         * @param params its parameters
         */
        void onEvent(String method, JsonNode params);
    }

    private final URI uri;
    private final EventListener events;
    private final Consumer<String> onClose;
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String closeReason;
    private WebSocket socket;
    /** The last send: {@link WebSocket} refuses a send while the previous one is unfinished. Guarded by this. */
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    private record Pending(String method, CompletableFuture<JsonNode> answer) {
    }

    private BidiConnection(URI uri, EventListener events, Consumer<String> onClose) {
        this.uri = uri;
        this.events = events;
        this.onClose = onClose;
    }

    /**
     * Connects.
     *
     * @param uri the session endpoint, {@code ws://127.0.0.1:PORT/session}
     * @param executor runs the WebSocket's receiving work, and so the listener and the close handler
     * @param timeout how long connecting may take
     * @param events receives every event
     * @param onClose told once, with a reason, when the connection closes for any cause but {@link #close()}
     * @return the open connection
     * @throws BidiException when the browser refuses the connection or does not answer in time
     */
    static BidiConnection open(URI uri, Executor executor, Duration timeout, EventListener events,
            Consumer<String> onClose) throws BidiException {
        BidiConnection connection = new BidiConnection(uri, events, onClose);
        HttpClient client = HttpClient.newBuilder().executor(executor).connectTimeout(timeout).build();
        CompletableFuture<WebSocket> opening = client.newWebSocketBuilder().connectTimeout(timeout)
                .buildAsync(uri, connection.new Receiver());
        try {
            connection.socket = opening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return connection;
        } catch (ExecutionException e) {
            throw new BidiException(BidiException.NO_ANSWER, "cannot connect to " + uri + ": " + e.getCause());
        } catch (TimeoutException e) {
            opening.cancel(true);
            throw new BidiException(BidiException.NO_ANSWER, "no connection to " + uri + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BidiException(BidiException.NO_ANSWER, "interrupted while connecting to " + uri);
        }
    }

    /** @return an empty parameters object to fill */
    static ObjectNode params() {
        return JSON.createObjectNode();
    }

    /** @return a list of strings as a JSON array, e.g. for {@code session.subscribe} */
    static JsonNode array(List<String> values) {
        return JSON.valueToTree(values);
    }

    /**
     * Sends a command and waits for its answer.
     *
     * @param method e.g. {@code browsingContext.create}
     * @param params its parameters
     * @param timeout how long to wait for the answer
     * @return the command's result
     * @throws BidiException when the browser answers with an error, the answer is late, or the connection closes
     */
    JsonNode call(String method, ObjectNode params, Duration timeout) throws BidiException {
        CompletableFuture<JsonNode> answer = send(method, params);
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(false);
            throw new BidiException(BidiException.NO_ANSWER, "no answer to " + method + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof BidiException bidi ? bidi
                    : new BidiException(BidiException.NO_ANSWER, method + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BidiException(BidiException.NO_ANSWER, "interrupted while waiting for " + method);
        }
    }

    /**
     * Sends a command without waiting.
     *
     * @param method e.g. {@code browsingContext.close}
     * @param params its parameters
     * @return completes with the result, or exceptionally with a {@link BidiException}
     */
    CompletableFuture<JsonNode> send(String method, ObjectNode params) {
        long id = nextId.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        // A command given up by its caller (cancelled on timeout) must not keep its slot.
        answer.whenComplete((result, failure) -> pending.remove(id));
        if (closed.get()) {
            answer.completeExceptionally(gone(method));
            return answer;
        }
        pending.put(id, new Pending(method, answer));
        String text;
        try {
            text = JSON.writeValueAsString(JSON.createObjectNode().put("id", id).put("method", method).set("params", params));
        } catch (JsonProcessingException e) {
            answer.completeExceptionally(new BidiException("invalid argument", "cannot encode " + method + ": " + e.getMessage()));
            return answer;
        }
        synchronized (this) {
            sending = sending.handle((ignored, failure) -> null)
                    .thenCompose(ignored -> socket.sendText(text, true))
                    .whenComplete((ignored, failure) -> {
                        if (failure != null) {
                            answer.completeExceptionally(new BidiException(BidiException.NO_ANSWER,
                                    "cannot send " + method + ": " + rootCause(failure)));
                        }
                    });
        }
        return answer;
    }

    /** @return whether the connection is still open */
    boolean isOpen() {
        return !closed.get();
    }

    /** Drops the connection at once; commands still waiting fail. Does not call the close handler. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeReason = "the client closed the connection";
            if (socket != null) {
                socket.abort();
            }
            failPending();
        }
    }

    private void closedByPeer(String reason) {
        if (closed.compareAndSet(false, true)) {
            closeReason = reason;
            failPending();
            onClose.accept(reason);
        }
    }

    private void failPending() {
        for (Pending waiting : List.copyOf(pending.values())) {
            waiting.answer().completeExceptionally(gone(waiting.method()));
        }
    }

    private BidiException gone(String method) {
        return new BidiException(BidiException.NO_ANSWER, "cannot complete " + method + ": " + closeReason);
    }

    private void receive(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            LOG.log(Level.WARNING, "{0}: unreadable message: {1}", uri, e.getOriginalMessage());
            return;
        }
        String type = message.path("type").asText();
        if (type.equals("event")) {
            try {
                events.onEvent(message.path("method").asText(), message.path("params"));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "event listener failed on " + message.path("method").asText(), e);
            }
            return;
        }
        Pending waiting = message.hasNonNull("id") ? pending.get(message.get("id").asLong()) : null;
        if (waiting == null) {
            // An error without an id answers a message the browser could not read at all.
            LOG.log(Level.DEBUG, "{0}: unexpected message: {1}", uri, text);
        } else if (type.equals("success")) {
            waiting.answer().complete(message.path("result"));
        } else {
            waiting.answer().completeExceptionally(new BidiException(message.path("error").asText("unknown error"),
                    message.path("message").asText("")));
        }
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause);
    }

    /** Joins text fragments into messages; the next fragment is requested only after one is handled. */
    private final class Receiver implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                receive(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedByPeer("the browser closed the WebDriver BiDi connection (" + statusCode
                    + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closedByPeer("the WebDriver BiDi connection failed: " + rootCause(error));
        }
    }
}
