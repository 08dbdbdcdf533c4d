package org.webaccel.backend.grid.internal;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
 * The {@code grid} backend: browsers on a Selenium Grid 4, the way past one machine. Each browser is one Grid
 * session, watched by the WebDriver support bundle; its pages are tabs that load the bridge's worker URL, so
 * the bridge must be reachable from the Grid's nodes (see {@link GridConfig}).
 */
@Component(service = BrowserBackend.class, configurationPid = GridBackend.PID,
        property = BrowserBackend.NAME_PROPERTY + "=" + GridCheck.NAME)
@Designate(ocd = GridConfig.class)
public final class GridBackend implements BrowserBackend {

    /** The configuration PID. */
    public static final String PID = "org.webaccel.backend.grid";

    private final GridSettings settings;
    private final WebDriverSessions sessions;
    private final GridCheck check;
    private final Set<WebDriverBrowser> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger launches = new AtomicInteger();
    private final Probed<BackendDescription> description;
    private int starting; // guarded by this
    private volatile String lastVersion;

    /**
     * @param config the configuration
     * @param sessions starts WebDriver sessions
     */
    @Activate
    public GridBackend(GridConfig config, @Reference WebDriverSessions sessions) {
        this(GridSettings.from(config), sessions);
    }

    /**
     * @param settings the settings, e.g. from a test
     * @param sessions starts WebDriver sessions and reads the Grid's status
     */
    public GridBackend(GridSettings settings, WebDriverSessions sessions) {
        this.settings = settings;
        this.sessions = sessions;
        this.check = new GridCheck(settings, sessions);
        this.description = Probed.kept(() -> check.check(Optional.ofNullable(lastVersion)), d -> true,
                settings.statusCache(), System::nanoTime);
    }

    /** A Grid comes and goes, so its status is asked again once the last answer is {@code statusCache} old. */
    @Override
    public BackendDescription describe() {
        return description.get();
    }

    @Override
    public BrowserInstance launch(LaunchSpec spec) throws BackendException {
        BackendDescription described = describe();
        if (!described.available()) {
            throw new BackendException("the grid backend cannot launch browsers: " + described.reason());
        }
        reserve();
        WebDriverBrowser browser = null;
        try {
            List<String> browsers = settings.browsers();
            String browserName = browsers.get(Math.floorMod(launches.getAndIncrement(), browsers.size()));
            browser = sessions.startRemote(settings.grid(), settings.browser(browserName), settings.timeouts(), spec);
            lastVersion = browser.version();
            return browser;
        } finally {
            release(browser);
        }
    }

    /** Sessions must not outlive the service that started them: they would hold Grid slots until it times them out. */
    @Deactivate
    public void close() {
        List.copyOf(running).forEach(WebDriverBrowser::close);
    }

    private synchronized void reserve() throws BackendException {
        running.removeIf(browser -> !browser.isAlive());
        if (running.size() + starting >= settings.maxSessions()) {
            throw new BackendException("the grid backend holds " + settings.maxSessions() + " Grid sessions already, "
                    + "its maximum (maxSessions of " + PID + ")");
        }
        starting++;
    }

    private synchronized void release(WebDriverBrowser started) {
        starting--;
        if (started != null) {
            running.add(started);
        }
    }
}
