package org.webaccel.webdriver.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.webdriver.BrowserOptions;
import org.webaccel.webdriver.GridStatus;
import org.webaccel.webdriver.LocalDriver;
import org.webaccel.webdriver.SessionTimeouts;
import org.webaccel.webdriver.WebDriverBrowser;
import org.webaccel.webdriver.WebDriverSessions;

/** The {@link WebDriverSessions} service, on this bundle's private copy of the Selenium client. */
@Component(service = WebDriverSessions.class)
public final class SeleniumSessions implements WebDriverSessions {

    private final Set<Session> open = ConcurrentHashMap.newKeySet();
    private final GridStatusReader grids = new GridStatusReader(HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).build());

    /** Creates the service; in a framework SCR does, tests call it directly. */
    public SeleniumSessions() {
    }

    @Override
    public WebDriverBrowser startLocal(LocalDriver driver, BrowserOptions browser, SessionTimeouts timeouts,
            LaunchSpec spec) throws BackendException {
        return track(Session.start(spec, timeouts, new LocalStarter(driver, browser, timeouts), open::remove));
    }

    @Override
    public WebDriverBrowser startRemote(URI endpoint, BrowserOptions browser, SessionTimeouts timeouts,
            LaunchSpec spec) throws BackendException {
        return track(Session.start(spec, timeouts, new RemoteStarter(endpoint, browser, timeouts), open::remove));
    }

    @Override
    public GridStatus gridStatus(URI grid, Duration timeout) throws BackendException {
        // Selenium's JSON reader may look up its coercers through the context class loader
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(SeleniumSessions.class.getClassLoader());
        try {
            return grids.read(grid, timeout);
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    /** Sessions must not outlive the service that started them: nobody could close them afterwards. */
    @Deactivate
    public void close() {
        List.copyOf(open).forEach(Session::close);
    }

    private Session track(Session session) {
        open.add(session);
        if (session.isClosed()) {
            // closed between its start and here (by a listener of its death): its onClosed has run already
            open.remove(session);
        }
        return session;
    }
}
