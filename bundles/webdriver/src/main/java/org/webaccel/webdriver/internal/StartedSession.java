package org.webaccel.webdriver.internal;

import java.util.Optional;

import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * A session that has started.
 *
 * @param driver the session; used on the session's thread only
 * @param browserProcess the browser's main process, when it runs on this machine and was found
 * @param driverProcess the driver's process, when it runs on this machine and was found
 * @param release frees what the session holds besides the session itself (stops a local driver service,
 *        closes an HTTP client); safe to run more than once
 */
record StartedSession(RemoteWebDriver driver, Optional<ProcessHandle> browserProcess,
        Optional<ProcessHandle> driverProcess, Runnable release) {
}
