/**
 * WebDriver sessions for browser backends: one private copy of the Selenium client, shared by every
 * WebDriver-based backend (Edge, WebNN builds, Selenium Grid), behind a small API without Selenium types.
 *
 * <p>A backend gets the {@link org.webaccel.webdriver.WebDriverSessions} service, describes the browser as
 * plain values ({@link org.webaccel.webdriver.BrowserOptions}, {@link org.webaccel.webdriver.LocalDriver},
 * {@link org.webaccel.webdriver.SessionTimeouts}) and receives a
 * {@link org.webaccel.webdriver.WebDriverBrowser}: a {@link org.webaccel.api.spi.BrowserInstance} whose
 * pages are tabs of one WebDriver session, with deaths reported through the
 * {@link org.webaccel.api.spi.BrowserEvents} of its {@link org.webaccel.api.spi.LaunchSpec}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.webaccel.webdriver;
