package org.webaccel.backend.webnn.internal;

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
import org.webaccel.webdriver.WebDriverBrowser;
import org.webaccel.webdriver.WebDriverSessions;

/**
 * The {@code webnn} backend: a Chromium-family browser with WebNN enabled, offered to the pool only when it
 * can really create a WebNN context. Its workers are ordinary pages; the page picks the ONNX Runtime build
 * with WebNN itself.
 */
@Component(service = BrowserBackend.class, configurationPid = WebNnBackend.PID,
        property = BrowserBackend.NAME_PROPERTY + "=" + WebNnProbe.NAME)
@Designate(ocd = WebNnConfig.class)
public final class WebNnBackend implements BrowserBackend {

    /** The configuration PID. */
    public static final String PID = "org.webaccel.backend.webnn";

    private final WebNnSettings settings;
    private final WebDriverSessions sessions;
    private final Set<WebDriverBrowser> running = ConcurrentHashMap.newKeySet();
    private final Probed<BackendDescription> description;

    /**
     * @param config the configuration
     * @param sessions starts WebDriver sessions
     */
    @Activate
    public WebNnBackend(WebNnConfig config, @Reference WebDriverSessions sessions) {
        this(WebNnSettings.from(config), sessions);
    }

    /**
     * @param settings the settings, e.g. from a test
     * @param sessions starts WebDriver sessions
     */
    public WebNnBackend(WebNnSettings settings, WebDriverSessions sessions) {
        this.settings = settings;
        this.sessions = sessions;
        this.description = Probed.once(() -> new WebNnProbe(settings, sessions).probe());
    }

    /** Probes once (a browser launch, about two seconds) and keeps the answer. */
    @Override
    public BackendDescription describe() {
        return description.get();
    }

    @Override
    public BrowserInstance launch(LaunchSpec spec) throws BackendException {
        BackendDescription described = describe();
        if (!described.available()) {
            throw new BackendException("the webnn backend cannot launch browsers: " + described.reason());
        }
        running.removeIf(browser -> !browser.isAlive());
        WebDriverBrowser browser = sessions.startLocal(settings.driver(), settings.browser(), settings.timeouts(), spec);
        running.add(browser);
        return new WebNnBrowser(browser, settings.deviceTypes());
    }

    /** Browsers must not outlive the service that launched them: nobody could close them afterwards. */
    @Deactivate
    public void close() {
        List.copyOf(running).forEach(WebDriverBrowser::close);
    }
}
