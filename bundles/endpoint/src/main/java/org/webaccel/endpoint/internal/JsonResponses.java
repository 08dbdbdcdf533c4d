package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** Writes the endpoint's answers: JSON bodies, the protocol's {@code {"error": ...}}, and prepared bodies. */
final class JsonResponses {
    private final ObjectMapper json;
    private final int retryAfterSeconds;

    /**
     * @param json the mapper that writes JSON bodies
     * @param retryAfterSeconds the {@code Retry-After} of an answer that asks the client to retry later
     */
    JsonResponses(ObjectMapper json, int retryAfterSeconds) {
        this.json = json;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * @param response the response
     * @param status the HTTP status
     * @param body what to write as JSON
     * @throws IOException if the client went away
     */
    void send(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        send(response, status, new HttpBody(bytes, HttpBody.JSON, -1));
    }

    /**
     * @param response the response
     * @param status the HTTP status
     * @param body the prepared body, with the binary extension's header when it carries binary data
     * @throws IOException if the client went away
     */
    void send(HttpServletResponse response, int status, HttpBody body) throws IOException {
        response.setStatus(status);
        response.setContentType(body.contentType());
        if (body.jsonHeaderLength() >= 0) {
            response.setHeader("Inference-Header-Content-Length", Integer.toString(body.jsonHeaderLength()));
        }
        response.setContentLength(body.bytes().length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body.bytes());
        }
    }

    /**
     * @param response the response
     * @param error the error, sent as {@code {"error": message}}
     * @throws IOException if the client went away
     */
    void sendError(HttpServletResponse response, HttpError error) throws IOException {
        if (error.retryLater()) {
            response.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
        }
        send(response, error.status(), Map.of("error", error.message()));
    }

    /**
     * Answers 405 for a method the path does not take.
     *
     * @param response the response
     * @param method the method the client used
     * @param path the path it used
     * @param allowed the method the path takes
     * @throws IOException if the client went away
     */
    void methodNotAllowed(HttpServletResponse response, String method, String path, String allowed)
            throws IOException {
        response.setHeader("Allow", allowed);
        sendError(response, new HttpError(405, method + " " + path + " is not supported; use " + allowed, false));
    }

    /**
     * Answers 404 for a path that is none of the protocol's endpoints.
     *
     * @param response the response
     * @param method the method the client used
     * @param path the path it used
     * @throws IOException if the client went away
     */
    void noEndpoint(HttpServletResponse response, String method, String path) throws IOException {
        sendError(response, new HttpError(404, "no endpoint " + method + " " + path + "; the endpoints are "
                + "/v2, /v2/health/live, /v2/health/ready, /v2/models/{name}[/versions/{version}] and its /ready "
                + "and /infer", false));
    }
}
