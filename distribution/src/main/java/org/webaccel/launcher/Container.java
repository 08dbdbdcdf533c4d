package org.webaccel.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The embedded OSGi framework with the bundles of bundle/ installed and started in file name order (the
 * assembler prefixes each file with its start order).
 */
final class Container {

    private static final long STOP_TIMEOUT_MILLIS = 30_000;

    private final Framework framework;

    private Container(Framework framework) {
        this.framework = framework;
    }

    /**
     * Starts the framework, then installs every bundle before starting any, so that each resolves against
     * all the others. A bundle that fails to start is reported and skipped: the rest of the container is
     * still useful, and {@code lb} shows what is wrong.
     *
     * @param properties the framework properties
     * @param bundles    the bundle/ folder
     * @param err        where to report bundles that fail to start
     * @return the running container
     * @throws BundleException if the framework cannot start or a bundle cannot be installed
     * @throws IOException     if the bundle folder cannot be read
     */
    static Container start(Map<String, String> properties, Path bundles, PrintStream err)
            throws BundleException, IOException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path (lib/)"));
        Framework framework = factory.newFramework(properties);
        framework.start();
        BundleContext context = framework.getBundleContext();

        List<Path> jars;
        try (Stream<Path> listing = Files.list(bundles)) {
            jars = listing.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars) {
            installed.add(context.installBundle(jar.toUri().toString()));
        }
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue; // fragments attach to their host; they cannot be started
            }
            try {
                bundle.start();
            } catch (BundleException e) {
                err.println("webaccel: bundle " + bundle.getSymbolicName() + " did not start: " + e.getMessage());
            }
        }
        return new Container(framework);
    }

    /** @return the system bundle's context */
    BundleContext context() {
        return framework.getBundleContext();
    }

    /**
     * Waits until something stops the framework (the shell at EOF or 'stop 0').
     *
     * @return 0 for a normal stop, 1 if the framework stopped with an error
     * @throws InterruptedException if interrupted while waiting
     */
    int awaitStop() throws InterruptedException {
        FrameworkEvent event = framework.waitForStop(0);
        return event.getType() == FrameworkEvent.ERROR ? 1 : 0;
    }

    /** Stops the framework and waits, bounded, for its bundles to stop. Safe to call more than once. */
    void stop() {
        try {
            framework.stop();
            framework.waitForStop(STOP_TIMEOUT_MILLIS);
        } catch (BundleException e) {
            System.err.println("webaccel: the framework did not stop cleanly: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
