package org.webaccel.backend.webnn.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.testing.BrowserBehaviour;
import org.webaccel.testing.StartedProcesses;
import org.webaccel.webdriver.SessionTimeouts;
import org.webaccel.webdriver.internal.SeleniumSessions;

/**
 * The WebNN backend on this machine's Chromium. Whether that Chromium can create a WebNN context is the
 * browser's behaviour, not ours: Debian's build exposes {@code navigator.ml} behind the feature switch but
 * (as of Chromium 156) has no WebNN backend compiled in. The test asks the browser itself first, without the
 * backend, and expects the backend to report exactly that.
 */
public class WebNnBackendTest {

    private static final BrowserEvents IGNORED = new BrowserEvents() {
        @Override
        public void browserDied(BrowserInstance browser, String reason) {
        }

        @Override
        public void pageDied(BrowserPage page, String reason) {
        }
    };

    private SeleniumSessions sessions;
    private StartedProcesses started;

    static WebNnSettings settings(Path driver, List<String> extraArguments) {
        return new WebNnSettings(Path.of("/usr/bin/chromium"), driver, "chrome", List.of("cpu", "gpu"),
                extraArguments, true, true,
                new SessionTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(1)));
    }

    @Before
    public void setUp() {
        sessions = new SeleniumSessions();
        started = new StartedProcesses();
    }

    @After
    public void tearDown() throws Exception {
        sessions.close();
        started.awaitAllGone();
    }

    @Test
    public void reportsWhatThisChromiumDoesWithWebNn() throws Exception {
        Map<String, String> browserSays = new LinkedHashMap<>();
        for (String deviceType : List.of("cpu", "gpu")) {
            browserSays.put(deviceType, BrowserBehaviour.webNnContext(Path.of("/usr/bin/chromium"), deviceType));
        }
        System.out.println("Chromium's own answer to navigator.ml.createContext: " + browserSays);
        WebNnBackend backend = new WebNnBackend(settings(Path.of("/usr/bin/chromedriver"), List.of()), sessions);

        BackendDescription description = backend.describe();

        System.out.println("webnn: " + description);
        assertEquals("webnn", description.name());
        assertEquals("chromium", description.family());
        assertTrue(description.browserVersion(), description.browserVersion().matches("\\d+\\.\\d+\\.\\d+\\.\\d+"));
        assertSame("probed once", description, backend.describe());
        if (browserSays.containsValue("created")) {
            assertTrue("the browser creates a WebNN context, so the backend offers itself: " + description.reason(),
                    description.available());
            return;
        }
        // No device type works: the backend says why, in the browser's own words (tidied), and launches nothing.
        Map<String, String> tidied = new LinkedHashMap<>();
        browserSays.forEach((device, error) -> tidied.put(device, WebNnProbe.tidy(error)));
        String expected = WebNnProbe.reason(tidied);
        assertFalse(description.available());
        assertEquals(expected, description.reason());
        BackendException refused = assertThrows(BackendException.class,
                () -> backend.launch(new LaunchSpec("webnn-1", IGNORED)));
        assertEquals("the webnn backend cannot launch browsers: " + expected, refused.getMessage());
    }

    /** Without the feature, the API itself is missing, and the report says so rather than "not supported". */
    @Test
    public void reportsABrowserWithoutTheApi() {
        WebNnBackend backend = new WebNnBackend(settings(Path.of("/usr/bin/chromedriver"),
                List.of("--disable-features=WebMachineLearningNeuralNetwork")), sessions);

        BackendDescription description = backend.describe();

        assertFalse(description.available());
        assertEquals("navigator.ml is undefined: this browser does not expose WebNN", description.reason());
    }

    @Test
    public void reportsAProbeThatCannotRun() {
        WebNnBackend backend = new WebNnBackend(settings(Path.of("/opt/nowhere/chromedriver"), List.of()), sessions);

        BackendDescription description = backend.describe();

        assertFalse(description.available());
        assertEquals("unknown", description.browserVersion());
        assertEquals("the WebNN probe could not run: the WebDriver executable /opt/nowhere/chromedriver does not exist "
                + "or cannot be run", description.reason());
    }

    @Test
    public void webNnJoinsTheFeaturesConfiguredAsExtraArguments() {
        List<String> arguments = settings(Path.of("/usr/bin/chromedriver"),
                List.of("--enable-features=Vulkan", "--lang=en")).browser().arguments();

        assertEquals(List.of("--enable-features=WebMachineLearningNeuralNetwork,Vulkan"),
                arguments.stream().filter(a -> a.startsWith("--enable-features")).toList());
        assertTrue(arguments.containsAll(List.of("--headless", "--no-sandbox", "--enable-unsafe-webgpu", "--lang=en")));
    }

    @Test
    public void differentErrorsPerDeviceTypeAreEachReported() {
        Map<String, String> errors = new LinkedHashMap<>();
        errors.put("cpu", WebNnProbe.tidy("NotSupportedError: Failed to execute 'createContext' on 'ML': "
                + "WebNN is not supported on this platform."));
        errors.put("gpu", "OperationError: no adapter");

        assertEquals("cpu: NotSupportedError: WebNN is not supported on this platform; gpu: OperationError: no adapter",
                WebNnProbe.reason(errors));
    }
}
