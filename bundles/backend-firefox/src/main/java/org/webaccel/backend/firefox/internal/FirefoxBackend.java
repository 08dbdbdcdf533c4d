package org.webaccel.backend.firefox.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.backend.support.Probed;

/**
 * The {@code firefox} backend: launches Firefox ESR, each with a fresh profile (a copy of the backend's
 * {@link ProfileTemplate} once it is made), and drives it over WebDriver BiDi, which Firefox serves itself. No
 * driver process and no library beyond Jackson is involved.
 */
@Component(service = BrowserBackend.class, configurationPid = FirefoxBackend.PID,
        property = BrowserBackend.NAME_PROPERTY + "=" + VersionProbe.NAME)
@Designate(ocd = FirefoxConfig.class)
public final class FirefoxBackend implements BrowserBackend {

    /** The configuration PID. */
    public static final String PID = "org.webaccel.backend.firefox";

    private final FirefoxSettings settings;
    private final Set<FirefoxInstance> running = ConcurrentHashMap.newKeySet();
    private final ProfileTemplate template;
    /** {@code firefox --version}, once; a probe cut short by an interrupt (the framework stopping, say) says
     *  nothing about Firefox and is not kept. */
    private final Probed<BackendDescription> description;

    /**
     * Activates the component.
     *
     * @param config the configuration
     */
    @Activate
    public FirefoxBackend(FirefoxConfig config) {
        this(FirefoxSettings.from(config));
    }

    /** @param settings the settings, e.g. from a test */
    public FirefoxBackend(FirefoxSettings settings) {
        this.settings = settings;
        this.template = new ProfileTemplate(settings);
        this.description = Probed.kept(() -> new VersionProbe(settings.executable(), settings.launchTimeout()).probe(),
                probed -> !Thread.currentThread().isInterrupted(), Duration.ofNanos(Long.MAX_VALUE), System::nanoTime);
    }

    /**
     * Probes {@code firefox --version} once; the answer holds for the component's life. A probe cut short
     * by an interrupt (the framework stopping, say) says nothing about Firefox and is not kept.
     */
    @Override
    public BackendDescription describe() {
        return description.get();
    }

    @Override
    public BrowserInstance launch(LaunchSpec spec) throws BackendException {
        BackendDescription described = describe();
        if (!described.available()) {
            throw new BackendException("the firefox backend cannot launch browsers: " + described.reason());
        }
        FirefoxInstance instance = FirefoxInstance.launch(spec, settings, template.ready(), running::remove);
        running.add(instance);
        if (settings.profileTemplate()) {
            // After a launch that worked, not before: the template's Firefox would slow the first browser down.
            template.makeInBackground();
        }
        return instance;
    }

    /** @return the profile template's folder once it is made (for tests) */
    Optional<Path> profileTemplate() {
        return template.ready();
    }

    /** Browsers must not outlive the service that launched them: nobody could close them afterwards. */
    @Deactivate
    public void close() {
        template.close();
        List.copyOf(running).forEach(FirefoxInstance::close);
    }
}
