package org.webaccel.harness;

import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.InferenceOptions;
import org.webaccel.api.InferenceResult;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelRepository;
import org.webaccel.testing.Await;

/**
 * One backend's driver hangs (its Playwright driver process stopped with SIGSTOP) while that backend's lane is
 * busy with driver calls (its workers drained, so their pages close through the hung driver). The other backend
 * keeps serving, and when its browser is killed it launches a replacement and serves again, all while the hung
 * driver is still stopped.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HungDriverTest {
    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin cm;

    @Inject
    private ModelRepository repository;

    @Configuration
    public Option[] config() throws Exception {
        return FelixOptions.distribution(jar -> {
            String name = jar.getFileName().toString();
            return !name.contains("org.webaccel.backend-") || name.contains("org.webaccel.backend-chromium-")
                    || name.contains("org.webaccel.backend-firefox-");
        });
    }

    private static List<WorkerInfo> connected(ResourcePool pool, String backend) {
        return pool.workers().stream().filter(w -> w.backend().equals(backend))
                .filter(w -> w.state().equals("idle") || w.state().equals("busy")).toList();
    }

    @Test
    public void aHungDriverDelaysOnlyItsOwnBackend() throws Exception {
        ResourcePool pool = PoolServices.reconfigure(context, cm, Map.of("minWorkers", 2, "maxBrowsers", 1,
                "maxPagesPerBrowser", 2, "maintenanceIntervalSeconds", 1, "idleTimeoutSeconds", 0L));
        Await.until("two workers on each backend", () -> connected(pool, "chromium").size() == 2
                && connected(pool, "firefox").size() == 2, () -> pool.workers().toString());

        long chromium = connected(pool, "chromium").get(0).browserPid();
        ProcessHandle driver = ProcessHandle.of(chromium).flatMap(ProcessHandle::parent).orElseThrow();
        signal("STOP", driver.pid());
        try {
            // Chromium's lane now closes its two pages through the stopped driver: each call waits for it.
            pool.drain("chromium");
            long firefox = connected(pool, "firefox").get(0).browserPid();
            ProcessHandle.of(firefox).ifPresent(ProcessHandle::destroyForcibly);
            Await.until("Firefox back at two workers in a new browser", () -> {
                List<WorkerInfo> ff = connected(pool, "firefox");
                return ff.size() == 2 && ff.stream().allMatch(w -> w.browserPid() > 0 && w.browserPid() != firefox);
            }, () -> pool.workers().toString());

            ModelDescriptor m = repository.find("image-classifier", null).orElseThrow();
            List<CompletableFuture<InferenceResult>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(pool.infer(m.name(), TestInputs.random(m, 500 + i, 1), InferenceOptions.defaults()
                        .withTimeout(java.time.Duration.ofSeconds(120))).toCompletableFuture());
            }
            for (CompletableFuture<InferenceResult> r : results) {
                assertEquals("firefox", r.get(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS).backend());
            }
            assertEquals("Chromium's driver was still stopped while Firefox recovered and served", "T",
                    state(driver.pid()));
        } finally {
            signal("CONT", driver.pid());
        }
        pool.resume("chromium");
        Await.until("Chromium back at two workers", () -> connected(pool, "chromium").size() == 2,
                () -> pool.workers().toString());
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals("kill -" + signal + " " + pid, 0, kill.waitFor());
    }

    /** @return the process state letter from /proc/PID/stat: T when stopped */
    private static String state(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[0];
    }
}
