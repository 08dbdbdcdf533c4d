package org.webaccel.webdriver.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.LaunchSpec;
import org.webaccel.testing.StartedProcesses;
import org.webaccel.testing.TestSite;
import org.webaccel.webdriver.BrowserOptions;
import org.webaccel.webdriver.LocalDriver;
import org.webaccel.webdriver.SessionTimeouts;
import org.webaccel.webdriver.WebDriverBrowser;
import org.webaccel.webdriver.WebDriverPage;
import org.webaccel.webdriver.WebDriverSessions;

/**
 * The bundle's own content runs a session with no other jar: {@code target/classes} after bnd holds
 * exactly what the bundle holds (these classes, the embedded parts of Selenium and Guava, the service
 * registration Selenium looks up), and a class loader that sees only it and the api classes stands in for
 * the framework. A package or resource that bnd left out fails here, not first inside Felix.
 */
public class BundleContentTest {

    private StartedProcesses processes;
    private TestSite site;
    private URLClassLoader bundle;

    @Before
    public void setUp() throws Exception {
        processes = new StartedProcesses();
        site = new TestSite().reportingPages();
        URL content = Path.of("target", "classes").toUri().toURL();
        URL api = LaunchSpec.class.getProtectionDomain().getCodeSource().getLocation();
        bundle = new URLClassLoader("webdriver-bundle", new URL[] {content, api}, ClassLoader.getPlatformClassLoader());
    }

    @After
    public void tearDown() throws Exception {
        bundle.close();
        site.close();
        processes.awaitAllGone();
    }

    @Test
    public void theBundleAloneRunsALocalSession() throws Exception {
        Class<?> sessionsType = bundle.loadClass(SeleniumSessions.class.getName());
        assertNotSame("loaded apart from the test's classpath", SeleniumSessions.class, sessionsType);
        Object sessions = sessionsType.getConstructor().newInstance();
        Object driver = call(type(LocalDriver.class), "at", null, Path.of("/usr/bin/chromedriver"));
        Object browserOptions = call(type(BrowserOptions.class), "of", null, BrowserOptions.CHROME, "/usr/bin/chromium",
                LocalSessionTest.chromium().arguments());
        Object timeouts = type(SessionTimeouts.class).getConstructor(Duration.class, Duration.class, Duration.class)
                .newInstance(Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(1));
        Class<?> eventsType = type(BrowserEvents.class);
        Object events = Proxy.newProxyInstance(bundle, new Class<?>[] {eventsType}, (proxy, method, arguments) ->
                switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == arguments[0];
                    case "toString" -> "ignored events";
                    default -> null;
                });
        Object spec = type(LaunchSpec.class).getConstructor(String.class, eventsType).newInstance("isolated", events);

        AutoCloseable browser = (AutoCloseable) call(type(WebDriverSessions.class), "startLocal", sessions, driver,
                browserOptions, timeouts, spec);
        try {
            Object page = call(type(WebDriverBrowser.class), "openPage", browser, site.uri("/isolated"));
            assertEquals("/isolated", call(type(WebDriverPage.class), "executeScript", page, "return location.pathname",
                    new Object[0]));
        } finally {
            browser.close();
        }
        // Selenium's JSON reader, which only the Grid status uses, loads as well
        InvocationTargetException notAGrid = null;
        try {
            call(type(WebDriverSessions.class), "gridStatus", sessions, site.uri("/isolated"), Duration.ofSeconds(5));
        } catch (InvocationTargetException e) {
            notAGrid = e;
        }
        assertTrue(String.valueOf(notAGrid), notAGrid != null
                && notAGrid.getCause().getMessage().contains("did not answer like a Selenium Grid 4"));
    }

    private Class<?> type(Class<?> ofTest) throws ClassNotFoundException {
        return bundle.loadClass(ofTest.getName());
    }

    /** Calls the one public method of that name, as the bundle's classes declare it. */
    private static Object call(Class<?> type, String name, Object target, Object... arguments) throws Exception {
        for (Method method : type.getMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == arguments.length) {
                return method.invoke(target, arguments);
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name);
    }
}
