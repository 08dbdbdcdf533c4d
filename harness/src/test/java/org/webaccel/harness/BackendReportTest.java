package org.webaccel.harness;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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

/**
 * Every backend bundle installed at once, as the distribution ships them: each tells the truth about this
 * machine. Chromium and Firefox run with their WebGPU adapters; WebNN and Edge are unavailable with the
 * browser's or the system's own reason and get no workers; Grid without a configured URL says so.
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
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            Map<String, BackendStatus> byName = new TreeMap<>();
            pool.backends().forEach(b -> byName.put(b.description().name(), b));
            boolean settled = byName.keySet().containsAll(java.util.List.of("chromium", "firefox", "webnn", "edge",
                    "grid"))
                    && byName.values().stream().noneMatch(b -> "probing the browser".equals(b.description().reason()))
                    && byName.get("chromium").capabilities() != null && byName.get("firefox").capabilities() != null;
            if (settled) {
                return byName;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("backends did not settle within 120 s: " + byName);
            }
            Thread.sleep(200);
        }
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

        BackendStatus webnn = b.get("webnn");
        assertFalse(webnn.description().available());
        assertTrue(webnn.description().reason(),
                webnn.description().reason().contains("NotSupportedError: WebNN is not supported on this platform"));
        assertEquals("an unavailable backend gets no workers", 0, webnn.workers());

        BackendStatus edge = b.get("edge");
        assertFalse(edge.description().available());
        assertTrue(edge.description().reason(), edge.description().reason().contains("msedge"));
        assertEquals(0, edge.workers());

        BackendStatus grid = b.get("grid");
        assertFalse(grid.description().available());
        assertTrue(grid.description().reason(), grid.description().reason().contains("no grid URL configured"));
    }
}
