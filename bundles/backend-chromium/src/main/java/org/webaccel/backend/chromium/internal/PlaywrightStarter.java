package org.webaccel.backend.chromium.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.webaccel.api.spi.BackendException;

import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.impl.driver.Driver;

/**
 * Starts Playwright's Node.js driver from an unpacked driver folder on the system Node.js.
 *
 * <p>Playwright picks its driver once per class loader ({@link Driver#ensureDriverInstalled}) and only
 * looks for a preinstalled one through the {@value #CLI_DIR} system property. This bundle's copy of
 * Playwright is private, so its driver choice concerns no one else; the property is set only while that
 * choice is made, under the lock Playwright itself takes, and restored at once so that other Playwright
 * copies in the JVM never see it.
 */
final class PlaywrightStarter {

    private static final String CLI_DIR = "playwright.cli.dir";

    private static final System.Logger LOG = System.getLogger(PlaywrightStarter.class.getName());

    private final DriverPackage driverPackage;
    private final Path driverFolder;
    private final Path node;
    private final Map<String, String> environment;

    /**
     * Unpacks the driver (unless an earlier run did) and sets up a starter for it.
     *
     * @param driverPackage the embedded driver
     * @param node the Node.js binary
     * @return the starter
     * @throws UncheckedIOException when the driver cannot be unpacked
     */
    static PlaywrightStarter unpack(DriverPackage driverPackage, Path node) {
        try {
            return new PlaywrightStarter(driverPackage, driverPackage.install(), node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PlaywrightStarter(DriverPackage driverPackage, Path driverFolder, Path node) {
        this.driverPackage = driverPackage;
        this.driverFolder = driverFolder;
        this.node = node;
        // Playwright must never try a browser download: this machine has no internet, and the browser is
        // the system's.
        this.environment = Map.of(Driver.PLAYWRIGHT_NODEJS_PATH, node.toString(),
                "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    }

    /**
     * Starts a driver process and connects to it. Call on the thread that will own the Playwright objects.
     *
     * @return a connected Playwright
     * @throws BackendException when the driver does not start
     */
    Playwright start() throws BackendException {
        repair();
        checkDriver(chooseDriver());
        try {
            return Playwright.create(new Playwright.CreateOptions().setEnv(environment));
        } catch (RuntimeException e) {
            throw new BackendException("Playwright's driver did not start (" + node + " "
                    + driverFolder.resolve("package/cli.js") + "): " + Failures.firstLine(e), e);
        }
    }

    /**
     * Unpacks the driver again when its folder has lost files since (someone cleaned the data folder, say):
     * the folder is named after the driver's digest, so the copy lands where Playwright expects it.
     */
    private void repair() throws BackendException {
        if (driverPackage.isComplete(driverFolder)) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "Playwright''s driver in {0} is incomplete; unpacking it again", driverFolder);
        try {
            Path unpacked = driverPackage.install();
            if (!unpacked.equals(driverFolder)) {
                throw new BackendException("the driver unpacked into " + unpacked + ", not " + driverFolder
                        + "; restart the bundle");
            }
        } catch (IOException e) {
            throw new BackendException("cannot unpack Playwright's driver again into " + driverFolder + ": "
                    + e.getMessage(), e);
        }
    }

    private Driver chooseDriver() throws BackendException {
        synchronized (Driver.class) {
            String previous = System.getProperty(CLI_DIR);
            System.setProperty(CLI_DIR, driverFolder.toString());
            try {
                return Driver.ensureDriverInstalled(environment, false);
            } catch (RuntimeException e) {
                throw new BackendException("cannot set up Playwright's driver in " + driverFolder + ": "
                        + Failures.firstLine(e), e);
            } finally {
                if (previous == null) {
                    System.clearProperty(CLI_DIR);
                } else {
                    System.setProperty(CLI_DIR, previous);
                }
            }
        }
    }

    /** A driver chosen earlier in this bundle's life keeps its folder and Node.js; say so instead of ignoring new settings. */
    private void checkDriver(Driver driver) throws BackendException {
        List<String> command = driver.createProcessBuilder().command();
        if (!driver.driverDir().equals(driverFolder) || !command.get(0).equals(node.toString())) {
            throw new BackendException("Playwright's driver was set up with " + command.get(0) + " and "
                    + driver.driverDir() + " earlier in this bundle's life; restart the bundle to use "
                    + node + " and " + driverFolder);
        }
    }
}
