package org.webaccel.webdriver.internal;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.openqa.selenium.Capabilities;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.remote.HttpCommandExecutor;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.openqa.selenium.remote.http.ClientConfig;
import org.openqa.selenium.remote.http.HttpClient;
import org.webaccel.api.spi.BackendException;
import org.webaccel.webdriver.BrowserOptions;
import org.webaccel.webdriver.SessionTimeouts;

/** Creates a session on a remote WebDriver endpoint, usually a Selenium Grid. */
final class RemoteStarter implements SessionStarter {

    private final URI endpoint;
    private final BrowserOptions browser;
    private final SessionTimeouts timeouts;

    RemoteStarter(URI endpoint, BrowserOptions browser, SessionTimeouts timeouts) {
        this.endpoint = endpoint;
        this.browser = browser;
        this.timeouts = timeouts;
    }

    @Override
    public StartedSession start() throws BackendException {
        Capabilities capabilities = W3cCapabilities.of(browser, timeouts, List.of());
        // A Grid queues a request until a slot frees up, so creating the session may take the whole start
        // timeout; every later command is bounded by the command timeout.
        ClientConfig config = ClientConfig.defaultConfig().baseUri(endpoint).connectionTimeout(timeouts.command());
        HttpClient.Factory factory = HttpClient.Factory.createDefault();
        HttpClient client = new RemoteHttpClient(
                factory.createClient(config.readTimeout(timeouts.start().plus(timeouts.command()))),
                factory.createClient(config.readTimeout(timeouts.command())));
        try {
            RemoteWebDriver session = new RemoteWebDriver(new HttpCommandExecutor(client, endpoint.toURL()), capabilities);
            return new StartedSession(session, Optional.empty(), Optional.empty(), client::close);
        } catch (WebDriverException | MalformedURLException | IllegalArgumentException e) {
            client.close();
            throw new BackendException("cannot start " + where() + ": " + Failures.summary(e), e);
        }
    }

    @Override
    public List<ProcessHandle> leftovers() {
        return List.of();
    }

    @Override
    public String where() {
        return browser.browserName() + " on " + endpoint;
    }
}
