package org.webaccel.webdriver.internal;

import java.io.UncheckedIOException;

import org.openqa.selenium.remote.http.HttpClient;
import org.openqa.selenium.remote.http.HttpMethod;
import org.openqa.selenium.remote.http.HttpRequest;
import org.openqa.selenium.remote.http.HttpResponse;
import org.openqa.selenium.remote.http.WebSocket;

/**
 * The HTTP client of a remote session, with two read timeouts. Creating the session may wait in a Grid's
 * queue for the whole start timeout; every later command must answer within the command timeout. One
 * timeout for both would let a command the Grid never answers (Grid 4.48 leaves a command hanging that
 * was in flight while someone deleted the session) block the session's thread, and so its death report,
 * for the start timeout.
 */
final class RemoteHttpClient implements HttpClient {

    private final HttpClient creating;
    private final HttpClient commands;

    /**
     * @param creating used for {@code POST /session}
     * @param commands used for everything else
     */
    RemoteHttpClient(HttpClient creating, HttpClient commands) {
        this.creating = creating;
        this.commands = commands;
    }

    @Override
    public HttpResponse execute(HttpRequest request) throws UncheckedIOException {
        boolean newSession = request.getMethod() == HttpMethod.POST && request.getUri().endsWith("/session");
        return (newSession ? creating : commands).execute(request);
    }

    @Override
    public WebSocket openSocket(HttpRequest request, WebSocket.Listener listener) {
        return commands.openSocket(request, listener);
    }

    @Override
    public void close() {
        creating.close();
        commands.close();
    }
}
