package org.webaccel.backend.chromium.internal;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

import com.microsoft.playwright.PlaywrightException;

/** Error messages keep the line a user can act on. */
public class FailuresTest {

    @Test
    public void driverErrorsGiveTheirMessage() {
        PlaywrightException error = new PlaywrightException("Error {\n  message='net::ERR_CONNECTION_REFUSED at "
                + "http://127.0.0.1:1/\nCall log:\n  - navigating to \"http://127.0.0.1:1/\"\n  name='Error\n"
                + "  stack='Error: net::ERR_CONNECTION_REFUSED\n    at x (y.js:1:2)\n}");

        assertEquals("net::ERR_CONNECTION_REFUSED at http://127.0.0.1:1/", Failures.firstLine(error));
    }

    @Test
    public void otherErrorsGiveTheirFirstLine() {
        assertEquals("Failed to launch driver", Failures.firstLine(new PlaywrightException("\nFailed to launch driver\nmore")));
        assertEquals("IllegalStateException", Failures.firstLine(new IllegalStateException()));
    }
}
