package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.ResourcePool;
import org.webaccel.testing.Await;
import org.webaccel.testing.BrowserBehaviour;

/**
 * Every backend bundle installed at once, as the distribution ships them: each tells the truth about this
 * machine. Chromium and Firefox run with their WebGPU adapters; WebNN is what this Chromium makes it (asked
 * directly, without WebAccel) and, unavailable, gives the browser's reason; Edge is unavailable with the
 * system's own reason and gets no workers; Grid without a configured URL says so.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BackendReportTest {

    @Inject
    private ResourcePool pool;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution();
    }

    private Map<String, BackendStatus> awaitReport() throws InterruptedException {
        return Await.value("every backend reported what it can do", () -> {
            Map<String, BackendStatus> byName = new TreeMap<>();
            pool.backends().forEach(b -> byName.put(b.description().name(), b));
            return byName;
        }, byName -> byName.keySet().containsAll(List.of("chromium", "firefox", "webnn", "edge", "grid"))
                && byName.values().stream().noneMatch(b -> "probing the browser".equals(b.description().reason()))
                && byName.get("chromium").capabilities() != null && byName.get("firefox").capabilities() != null);
    }

    @Test
    public void eachBackendReportsWhatItCanDoOnThisMachine() throws Exception {
        Map<String, BackendStatus> b = awaitReport();

        for (String name : new String[] {"chromium", "firefox"}) {
            BackendStatus s = b.get(name);
            assertTrue(name + ": " + s, s.description().available());
            assertTrue(name + " has no WebGPU adapter: " + s.capabilities(), s.capabilities().webgpu().available());
            assertTrue(s.capabilities().wasmSimd());
            assertTrue("pages are cross-origin isolated, so wasm threads are possible", s.capabilities().wasmThreads());
            assertEquals("1.30.0", s.capabilities().ortVersion());
        }
        assertEquals("chromium", b.get("chromium").description().family());
        assertEquals("firefox", b.get("firefox").description().family());

        // Whether this Chromium can create a WebNN context is its own behaviour: ask it, without WebAccel.
        String browserSays = BrowserBehaviour.webNnContext(Path.of("/usr/bin/chromium"), "cpu");
        BackendStatus webnn = b.get("webnn");
        if (browserSays.equals("created")) {
            assertTrue(webnn.description().reason(), webnn.description().available());
        } else {
            assertFalse(webnn.description().available());
            String error = browserSays.substring(0, browserSays.indexOf(':'));
            assertTrue("the backend gives the browser's own reason (" + browserSays + "): "
                    + webnn.description().reason(), webnn.description().reason().contains(error));
            assertEquals("an unavailable backend gets no workers", 0, webnn.workers());
        }

        BackendStatus edge = b.get("edge");
        assertFalse(edge.description().available());
        assertTrue(edge.description().reason(), edge.description().reason().contains("msedge"));
        assertEquals(0, edge.workers());

        BackendStatus grid = b.get("grid");
        assertFalse(grid.description().available());
        assertTrue(grid.description().reason(), grid.description().reason().contains("no grid URL configured"));
    }
}
