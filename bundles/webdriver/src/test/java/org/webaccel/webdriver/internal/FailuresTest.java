package org.webaccel.webdriver.internal;

import static org.junit.Assert.assertEquals;

import java.net.ConnectException;

import org.junit.Test;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.SessionNotCreatedException;

/** Messages keep the driver's words and drop Selenium's dumps. */
public class FailuresTest {

    @Test
    public void driverWordsWithoutSeleniumsDumps() {
        JavascriptException error = new JavascriptException("javascript error: no such thing");

        assertEquals("javascript error: no such thing", Failures.summary(error));
    }

    @Test
    public void multiLineDriverMessagesStayTogether() {
        SessionNotCreatedException error = new SessionNotCreatedException("Response code 500. Message: session not created: This version of ChromeDriver only supports "
                + "Chrome version 114\nCurrent browser version is 156.0.8078.108");

        assertEquals("Could not start a new session. Response code 500. Message: session not created: This version "
                + "of ChromeDriver only supports Chrome version 114 Current browser version is 156.0.8078.108",
                Failures.summary(error));
    }

    @Test
    public void genericMessagesGetTheirCause() {
        SessionNotCreatedException error = new SessionNotCreatedException("Possible causes are invalid address of "
                + "the remote server or browser start-up failure.", new java.io.UncheckedIOException(new ConnectException()));

        assertEquals("Could not start a new session. Possible causes are invalid address of the remote server or "
                + "browser start-up failure: connection refused", Failures.summary(error));
    }

    @Test
    public void emptyMessagesFallBackToTheCause() {
        ConnectException refused = new ConnectException("Connection refused");

        assertEquals("Connection refused", Failures.summary(new java.io.IOException(null, refused)));
        assertEquals("connection refused", Failures.summary(new ConnectException()));
        assertEquals("IllegalStateException", Failures.summary(new IllegalStateException()));
    }
}
