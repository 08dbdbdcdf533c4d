package org.webaccel.example.devtools;

import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.webaccel.api.spi.BrowserBackend;

/**
 * Registers the {@code devtools} backend while the bundle is active. A plain activator rather than a
 * Declarative Services component, so that the bundle builds with javac and jar alone.
 *
 * <p>The Chromium executable is {@code /usr/bin/chromium} unless the framework or system property
 * {@value #EXECUTABLE_PROPERTY} names another.
 */
public final class Activator implements BundleActivator {

    /** Framework property naming the Chromium executable. */
    public static final String EXECUTABLE_PROPERTY = "webaccel.devtools.executable";

    // The framework calls start and stop one after the other, never concurrently.
    private DevToolsBackend backend;
    private ServiceRegistration<BrowserBackend> registration;

    /** Registers the backend; the pool probes it and launches browsers in the background. */
    @Override
    public void start(BundleContext context) {
        String executable = context.getProperty(EXECUTABLE_PROPERTY);
        Path chromium = Path.of(executable != null ? executable : "/usr/bin/chromium");
        backend = new DevToolsBackend(new ChromiumCommand(chromium));
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(BrowserBackend.NAME_PROPERTY, DevToolsBackend.NAME);
        registration = context.registerService(BrowserBackend.class, backend, properties);
    }

    /** Withdraws the backend and ends every browser it started. */
    @Override
    public void stop(BundleContext context) {
        // Unregistering tells the pool synchronously: once it returns, the pool has taken this backend out
        // of service and closed the browsers it launched here. Anything still running is closed here: once
        // the bundle is gone, nobody else could.
        registration.unregister();
        backend.closeAll();
    }
}
