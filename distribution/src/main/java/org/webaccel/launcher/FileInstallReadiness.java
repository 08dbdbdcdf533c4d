package org.webaccel.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Waits, bounded, until fileinstall has done its first scan: every bundle in its folders (deploy/) installed
 * and every configuration file (conf/) in ConfigAdmin. fileinstall scans on its own thread, so without this
 * wait a command run right after start could meet a component that has not got its configuration, or a
 * backend dropped into deploy/ that is not installed yet. Interactive sessions need no such wait.
 */
final class FileInstallReadiness {

    private static final Duration MAX_WAIT = Duration.ofSeconds(10);
    private static final String FILENAME = "felix.fileinstall.filename";

    private final BundleContext context;
    private final Path home;
    private final PrintStream err;

    /**
     * @param context the system bundle's context
     * @param home    the distribution folder, against which relative watched folders resolve
     * @param err     where to report what was not applied in time
     */
    FileInstallReadiness(BundleContext context, Path home, PrintStream err) {
        this.context = context;
        this.home = home;
        this.err = err;
    }

    /**
     * Waits until the watched folders' files are applied, or 10 s (fileinstall polls every second), or the
     * deadline, whichever comes first; if time runs out, names the files that were not applied and returns:
     * a bad file must not block the command.
     *
     * @param deadline the latest end of the wait
     * @throws Exception if the folders or ConfigAdmin cannot be read
     */
    void await(Instant deadline) throws Exception {
        Instant end = Instant.now().plus(MAX_WAIT).isBefore(deadline) ? Instant.now().plus(MAX_WAIT) : deadline;
        Set<Path> pending = watchedFiles();
        while (true) {
            pending.removeAll(installedBundles());
            pending.removeAll(appliedConfigurations());
            if (pending.isEmpty()) {
                return;
            }
            if (!Instant.now().isBefore(end)) {
                err.println("webaccel: fileinstall has not applied " + new TreeSet<>(pending)
                        + " yet; going on without (is each a valid bundle or configuration file?)");
                return;
            }
            Thread.sleep(100);
        }
    }

    /** The bundles and configuration files in the folders of felix.fileinstall.dir that its filter accepts. */
    private Set<Path> watchedFiles() throws IOException {
        String dirs = context.getProperty("felix.fileinstall.dir");
        String filter = context.getProperty("felix.fileinstall.filter");
        Pattern accepted = Pattern.compile(filter == null ? ".*" : filter);
        Set<Path> files = new HashSet<>();
        if (dirs == null) {
            return files;
        }
        for (String dir : dirs.split(",")) {
            Path folder = home.resolve(dir.trim()).normalize();
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> listing = Files.list(folder)) {
                listing.filter(p -> accepted.matcher(p.getFileName().toString()).matches())
                        .filter(p -> p.toString().matches(".*\\.(jar|cfg|config)$"))
                        .map(p -> p.toAbsolutePath().normalize())
                        .forEach(files::add);
            }
        }
        return files;
    }

    private Set<Path> installedBundles() {
        Set<Path> files = new HashSet<>();
        for (Bundle bundle : context.getBundles()) {
            fileOf(bundle.getLocation()).ifPresent(files::add);
        }
        return files;
    }

    /** The files the ConfigAdmin configurations came from: fileinstall records each in a property. */
    private Set<Path> appliedConfigurations() throws Exception {
        Set<Path> files = new HashSet<>();
        Optional<BundleObject> configAdmin = BundleObject.service(context, "org.osgi.service.cm.ConfigurationAdmin");
        if (configAdmin.isEmpty()) {
            return files;
        }
        Object[] configurations = (Object[]) configAdmin.get().call("listConfigurations",
                new Class<?>[] {String.class}, "(" + FILENAME + "=*)");
        for (Object configuration : configurations == null ? new Object[0] : configurations) {
            Dictionary<?, ?> properties = (Dictionary<?, ?>) configAdmin.get()
                    .view(configuration, "org.osgi.service.cm.Configuration")
                    .call("getProperties", new Class<?>[0]);
            if (properties != null && properties.get(FILENAME) instanceof String location) {
                fileOf(location).ifPresent(files::add);
            }
        }
        return files;
    }

    private static Optional<Path> fileOf(String location) {
        try {
            return location.startsWith("file:")
                    ? Optional.of(Path.of(URI.create(location)).toAbsolutePath().normalize())
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a hierarchical file URI
        }
    }
}
