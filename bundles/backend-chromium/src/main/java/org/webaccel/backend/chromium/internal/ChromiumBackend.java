package org.webaccel.backend.chromium.internal;

import java.io.File;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
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
 * The {@code chromium} backend: launches Chromium through a private copy of Playwright for Java whose
 * driver runs on the system Node.js. Each browser gets its own driver process and its own thread.
 */
@Component(service = BrowserBackend.class, configurationPid = ChromiumBackend.PID,
        property = BrowserBackend.NAME_PROPERTY + "=" + VersionProbe.NAME)
@Designate(ocd = ChromiumConfig.class)
public final class ChromiumBackend implements BrowserBackend {

    /** The configuration PID. */
    public static final String PID = "org.webaccel.backend.chromium";

    private final ChromiumSettings settings;
    private final Set<ChromiumInstance> running = ConcurrentHashMap.newKeySet();
    private final Probed<BackendDescription> description;
    /** The unpacked driver and Node.js; set up at the first launch. */
    private final Probed<PlaywrightStarter> starter;

    /**
     * Activates the component; the driver is unpacked into the bundle's data area unless configured otherwise.
     *
     * @param config the configuration
     * @param context the bundle's context
     */
    @Activate
    public ChromiumBackend(ChromiumConfig config, BundleContext context) {
        this(ChromiumSettings.from(config, dataFolder(context)));
    }

    /** @param settings the settings, e.g. from a test */
    public ChromiumBackend(ChromiumSettings settings) {
        this.settings = settings;
        this.description = Probed.once(() -> new VersionProbe(settings.executable(), settings.node(),
                settings.launchTimeout()).probe());
        this.starter = Probed.once(() -> PlaywrightStarter.unpack(new DriverPackage(settings.driverDirectory()),
                settings.node()));
    }

    @Override
    public BackendDescription describe() {
        return description.get();
    }

    @Override
    public BrowserInstance launch(LaunchSpec spec) throws BackendException {
        BackendDescription described = describe();
        if (!described.available()) {
            throw new BackendException("the chromium backend cannot launch browsers: " + described.reason());
        }
        ChromiumInstance instance = ChromiumInstance.launch(spec, settings, starter(), running::remove);
        running.add(instance);
        return instance;
    }

    /** Browsers must not outlive the service that launched them: nobody could close them afterwards. */
    @Deactivate
    public void close() {
        List.copyOf(running).forEach(ChromiumInstance::close);
    }

    private PlaywrightStarter starter() throws BackendException {
        try {
            return starter.get();
        } catch (UncheckedIOException e) {
            throw new BackendException("cannot unpack Playwright's driver into " + settings.driverDirectory() + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    private static Path dataFolder(BundleContext context) {
        File data = context.getDataFile("playwright");
        return data != null ? data.toPath() : Path.of(System.getProperty("java.io.tmpdir"), "webaccel-playwright");
    }
}
