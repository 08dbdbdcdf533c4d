package org.webaccel.endpoint.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.webaccel.api.DeadlineExceededException;
import org.webaccel.api.InferenceException;
import org.webaccel.api.InferenceFailedException;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.RejectedException;

/**
 * How an error travels back to the client: the HTTP status and the message of the exception, unchanged, so an
 * HTTP client reads what a Java client of the pool would.
 *
 * @param status the HTTP status
 * @param message the error message for {@code {"error": ...}}
 * @param retryLater true when the client should retry after a pause (a full queue): the answer then carries
 *        a {@code Retry-After} header
 */
record HttpError(int status, String message, boolean retryLater) {

    /**
     * <ul>
     * <li>{@link ModelNotFoundException}: 404</li>
     * <li>{@link InvalidInputException} and a malformed request: 400 (or the protocol error's own status)</li>
     * <li>{@link RejectedException}: the queue is full, or a backend the request requires cannot take it now
     * ({@link org.webaccel.api.BackendUnavailableException}): 503, retry later</li>
     * <li>{@link DeadlineExceededException}: 504</li>
     * <li>{@link InferenceFailedException}, and anything unexpected: 500</li>
     * </ul>
     *
     * @param error what the request ended with; completion wrappers are looked through
     * @return the error to send
     */
    static HttpError of(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ProtocolException p) {
            return new HttpError(p.status(), p.getMessage(), false);
        }
        if (e instanceof ModelNotFoundException) {
            return new HttpError(404, e.getMessage(), false);
        }
        if (e instanceof InvalidInputException) {
            return new HttpError(400, e.getMessage(), false);
        }
        if (e instanceof RejectedException) {
            return new HttpError(503, e.getMessage(), true);
        }
        if (e instanceof DeadlineExceededException) {
            return new HttpError(504, e.getMessage(), false);
        }
        if (e instanceof InferenceException) {
            return new HttpError(500, e.getMessage(), false);
        }
        return new HttpError(500, "internal error: " + e, false);
    }
}
