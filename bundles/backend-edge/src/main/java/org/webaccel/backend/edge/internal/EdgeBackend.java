package org.webaccel.backend.edge.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.backend.support.Probed;
import org.webaccel.webdriver.LocalDriver;
import org.webaccel.webdriver.WebDriverBrowser;
import org.webaccel.webdriver.WebDriverSessions;

/**
 * The {@code edge} backend: Microsoft Edge through msedgedriver. The WebDriver work (sessions, tabs, one
 * thread per browser, death reports) is the WebDriver support bundle's; this class finds Edge and says
 * which switches it gets.
 */
@Component(service = BrowserBackend.class, configurationPid = EdgeBackend.PID,
        property = BrowserBackend.NAME_PROPERTY + "=" + EdgeProbe.NAME)
@Designate(ocd = EdgeConfig.class)
public final class EdgeBackend implements BrowserBackend {

    /** The configuration PID. */
    public static final String PID = "org.webaccel.backend.edge";

    private final EdgeSettings settings;
    private final WebDriverSessions sessions;
    private final Set<WebDriverBrowser> running = ConcurrentHashMap.newKeySet();
    private final Probed<EdgeProbe.Installation> installation;

    /**
     * @param config the configuration
     * @param sessions starts WebDriver sessions
     */
    @Activate
    public EdgeBackend(EdgeConfig config, @Reference WebDriverSessions sessions) {
        this(EdgeSettings.from(config, System.getenv("PATH")), sessions);
    }

    /**
     * @param settings the settings, e.g. from a test
     * @param sessions starts WebDriver sessions
     */
    public EdgeBackend(EdgeSettings settings, WebDriverSessions sessions) {
        this.settings = settings;
        this.installation = Probed.once(() -> new EdgeProbe(settings).probe());
        this.sessions = sessions;
    }

    @Override
    public BackendDescription describe() {
        return installation().description();
    }

    @Override
    public BrowserInstance launch(LaunchSpec spec) throws BackendException {
        EdgeProbe.Installation found = installation();
        if (!found.description().available()) {
            throw new BackendException("the edge backend cannot launch browsers: " + found.description().reason());
        }
        running.removeIf(browser -> !browser.isAlive());
        WebDriverBrowser browser = sessions.startLocal(LocalDriver.at(found.driver()), settings.browser(found.edge()),
                settings.timeouts(), spec);
        running.add(browser);
        return browser;
    }

    /** Browsers must not outlive the service that launched them: nobody could close them afterwards. */
    @Deactivate
    public void close() {
        List.copyOf(running).forEach(WebDriverBrowser::close);
    }

    /** Probed once: installing Edge takes a bundle restart (or a configuration change) to be seen. */
    private EdgeProbe.Installation installation() {
        return installation.get();
    }
}
