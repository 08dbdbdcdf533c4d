package org.webaccel.endpoint.internal;

import static org.junit.Assert.assertEquals;

import java.util.concurrent.CompletionException;
import org.junit.Test;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.DeadlineExceededException;
import org.webaccel.api.InferenceFailedException;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.RejectedException;

public class HttpErrorTest {

    @Test
    public void eachEndOfARequestHasItsStatusAndKeepsItsMessage() {
        assertEquals(new HttpError(404, "unknown model 'x'", false),
                HttpError.of(new ModelNotFoundException("unknown model 'x'")));
        assertEquals(new HttpError(400, "bad shape", false), HttpError.of(new InvalidInputException("bad shape")));
        assertEquals(new HttpError(503, "queue full", true), HttpError.of(new RejectedException("queue full")));
        assertEquals(new HttpError(503, "firefox is draining", true),
                HttpError.of(new org.webaccel.api.BackendUnavailableException("firefox", "firefox is draining")));
        assertEquals(new HttpError(504, "too late", false), HttpError.of(new DeadlineExceededException("too late")));
        assertEquals(new HttpError(500, "page crashed [page_crash] (after 3 attempts)", false),
                HttpError.of(new InferenceFailedException("page crashed", FailureClass.PAGE_CRASH, 3, null)));
        assertEquals(new HttpError(413, "too big", false), HttpError.of(new ProtocolException(413, "too big")));
    }

    @Test
    public void completionWrappersAreLookedThrough() {
        assertEquals(504, HttpError.of(new CompletionException(new DeadlineExceededException("late"))).status());
    }

    @Test
    public void anythingElseIsAnInternalError() {
        HttpError e = HttpError.of(new IllegalStateException("bug"));
        assertEquals(500, e.status());
        assertEquals("internal error: java.lang.IllegalStateException: bug", e.message());
    }
}
