package org.webaccel.webdriver.internal;

import java.io.File;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.openqa.selenium.Capabilities;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.edge.EdgeDriverService;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.openqa.selenium.remote.http.ClientConfig;
import org.openqa.selenium.remote.service.DriverCommandExecutor;
import org.openqa.selenium.remote.service.DriverService;
import org.webaccel.api.spi.BackendException;
import org.webaccel.backend.support.BrowserMarker;
import org.webaccel.webdriver.BrowserOptions;
import org.webaccel.webdriver.LocalDriver;
import org.webaccel.webdriver.SessionTimeouts;

/**
 * Starts a Chromium-family driver (chromedriver, msedgedriver) on this machine and a browser through it.
 *
 * <p>The session is a plain {@link RemoteWebDriver} on the driver's command executor rather than a
 * ChromeDriver or EdgeDriver: those connect to the browser's DevTools at start, which needs Selenium's
 * per-version DevTools bindings (5 MB each) for nothing WebAccel uses.
 */
final class LocalStarter implements SessionStarter {

    private static final System.Logger LOG = System.getLogger(LocalStarter.class.getName());

    private final LocalDriver driver;
    private final BrowserOptions browser;
    private final SessionTimeouts timeouts;
    /** Lets us find the browser, and so its driver, its parent: drivers do not tell their browser's process. */
    private final BrowserMarker marker = BrowserMarker.fresh();

    LocalStarter(LocalDriver driver, BrowserOptions browser, SessionTimeouts timeouts) {
        this.driver = driver;
        this.browser = browser;
        this.timeouts = timeouts;
    }

    @Override
    public StartedSession start() throws BackendException {
        File executable = driver.executable().toFile();
        if (!Files.isExecutable(driver.executable()) || Files.isDirectory(driver.executable())) {
            throw new BackendException("the WebDriver executable " + executable + " does not exist or cannot be run");
        }
        Capabilities capabilities = W3cCapabilities.of(browser, timeouts, List.of(marker.argument()));
        DriverService service = service(executable);
        try {
            // the driver answers within the command timeout, except while it starts the browser
            ClientConfig client = ClientConfig.defaultConfig().readTimeout(longer(timeouts.start(), timeouts.command()));
            RemoteWebDriver session = new RemoteWebDriver(new DriverCommandExecutor(service, client), capabilities);
            Optional<ProcessHandle> browserProcess = marker.mainProcess();
            if (browserProcess.isEmpty()) {
                LOG.log(Level.WARNING, "{0}: no process with {1} among this JVM''s descendants; its exit will be "
                        + "noticed by the watch only", where(), marker);
            }
            return new StartedSession(session, browserProcess, browserProcess.flatMap(ProcessHandle::parent),
                    service::stop);
        } catch (WebDriverException e) {
            service.stop();
            throw new BackendException("cannot start " + where() + ": " + Failures.summary(e), e);
        }
    }

    private DriverService service(File executable) throws BackendException {
        String name = browser.browserName();
        if (BrowserOptions.CHROME.equals(name)) {
            return new ChromeDriverService.Builder().usingDriverExecutable(executable).usingAnyFreePort()
                    .withEnvironment(driver.environment()).build();
        }
        if (BrowserOptions.EDGE.equals(name)) {
            return new EdgeDriverService.Builder().usingDriverExecutable(executable).usingAnyFreePort()
                    .withEnvironment(driver.environment()).build();
        }
        throw new BackendException("local sessions run " + BrowserOptions.CHROME + " or " + BrowserOptions.EDGE
                + ", not '" + name + "'");
    }

    @Override
    public List<ProcessHandle> leftovers() {
        List<ProcessHandle> processes = new ArrayList<>();
        marker.mainProcess().ifPresent(browserProcess -> {
            browserProcess.parent().ifPresent(processes::add);
            processes.add(browserProcess);
        });
        return processes;
    }

    @Override
    public String where() {
        return browser.browserName() + (browser.binary().isEmpty() ? "" : " " + browser.binary()) + " via "
                + driver.executable();
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
