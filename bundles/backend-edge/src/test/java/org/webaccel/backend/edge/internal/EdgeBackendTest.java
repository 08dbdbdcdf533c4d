package org.webaccel.backend.edge.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.After;
import org.junit.Test;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.webdriver.SessionTimeouts;
import org.webaccel.webdriver.internal.SeleniumSessions;

/** The Edge backend on this machine, where Microsoft Edge is not installed (and cannot be). */
public class EdgeBackendTest {

    private static final String PATH = System.getenv("PATH");
    private static final BrowserEvents IGNORED = new BrowserEvents() {
        @Override
        public void browserDied(BrowserInstance browser, String reason) {
        }

        @Override
        public void pageDied(BrowserPage page, String reason) {
        }
    };

    private final SeleniumSessions sessions = new SeleniumSessions();

    static EdgeSettings settings(Optional<Path> edge, Optional<Path> driver) {
        return new EdgeSettings(edge, driver, PATH, List.of(), true, true,
                new SessionTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(1)),
                Duration.ofSeconds(10));
    }

    @After
    public void tearDown() {
        sessions.close();
    }

    @Test
    public void reportsThatEdgeIsNotInstalled() throws Exception {
        EdgeBackend backend = new EdgeBackend(settings(Optional.empty(), Optional.empty()), sessions);

        BackendDescription description = backend.describe();

        assertFalse(description.available());
        assertEquals("edge", description.name());
        assertEquals("edge", description.family());
        assertEquals("msedge (or microsoft-edge-stable, microsoft-edge) not found on PATH (" + PATH
                + ") and no executable configured (edgeExecutable)", description.reason());
        assertSame("probed once", description, backend.describe());
        System.out.println("edge: " + description.reason());
        BackendException refused = assertThrows(BackendException.class,
                () -> backend.launch(new LaunchSpec("edge-1", IGNORED)));
        assertEquals("the edge backend cannot launch browsers: " + description.reason(), refused.getMessage());
    }

    @Test
    public void reportsAConfiguredExecutableThatIsMissing() {
        EdgeBackend backend = new EdgeBackend(settings(Optional.of(Path.of("/opt/microsoft/msedge/msedge")),
                Optional.empty()), sessions);

        BackendDescription description = backend.describe();

        assertFalse(description.available());
        assertEquals("the configured edgeExecutable /opt/microsoft/msedge/msedge does not exist", description.reason());
    }

    /** A browser that is present but no msedgedriver: the second thing Edge needs is reported next. */
    @Test
    public void reportsAMissingDriverOnceEdgeIsFound() {
        EdgeBackend backend = new EdgeBackend(settings(Optional.of(Path.of("/usr/bin/chromium")), Optional.empty()),
                sessions);

        BackendDescription description = backend.describe();

        assertFalse(description.available());
        assertEquals("msedgedriver not found on PATH (" + PATH + ") and no executable configured (edgeDriverExecutable)",
                description.reason());
    }

    @Test
    public void readsEdgeAndDriverVersions() {
        assertEquals("131.0.2903.70", VersionCommand.parse("msedge --version",
                List.of("Microsoft Edge 131.0.2903.70")).version().orElseThrow());
        VersionCommand.Answer driver = VersionCommand.parse("msedgedriver --version",
                List.of("Microsoft Edge WebDriver 131.0.2903.70 (0b7d4b3d1d1b2c0e5c9e0e7b1f3b6b6d2b5c4c2a)"));
        assertEquals(131, driver.major());
        assertTrue(VersionCommand.parse("x --version", List.of("no digits here")).problem().contains("printed no version"));
    }

    @Test
    public void edgeGetsTheQuietHeadlessSwitches() {
        EdgeSettings settings = settings(Optional.empty(), Optional.empty());

        List<String> arguments = settings.browser(Path.of("/usr/bin/microsoft-edge-stable")).arguments();

        assertEquals("--headless", arguments.get(0));
        assertTrue(arguments.containsAll(List.of("--no-sandbox", "--disable-background-networking", "--enable-unsafe-webgpu")));
        assertEquals("MicrosoftEdge", settings.browser(Path.of("/x")).browserName());
    }
}
