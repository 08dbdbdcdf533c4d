package org.webaccel.harness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.tensor.Tensor;

/**
 * Figure 5: kill -9 of one of two browsers while four clients keep requests in flight; the time until the
 * pool has two connected pages again (the replacement's page included), and the requests lost.
 */
final class RecoveryFigure {
    /** The fact that counts the requests lost, which must be 0. */
    static final String LOST = "requests lost";

    private final BenchPool pool;
    private final RecordingBackend browsers;
    private final BenchConfig config;

    RecoveryFigure(BenchPool pool, RecordingBackend browsers, BenchConfig config) {
        this.pool = pool;
        this.browsers = browsers;
        this.config = config;
    }

    Figure measure() throws Exception {
        pool.reshape(2, 1);
        String model = "image-classifier";
        Map<String, Tensor> inputs = pool.inputs(model, 0, 5);
        List<Double> gone = new ArrayList<>();
        List<Double> recovered = new ArrayList<>();
        PoolStatus before = pool.pool().status();
        ClosedLoopLoad load = new ClosedLoopLoad(pool.pool(), model, inputs, 4);
        try {
            for (int k = 0; k < config.kills(); k++) {
                load.measure(1000);
                WorkerInfo victim = pool.connected().get(0);
                BrowserInstance browser = browsers.browser(victim.browser()).orElseThrow(
                        () -> new AssertionError("no recorded browser " + victim.browser()));
                long pid = browser.pid().orElseThrow(() -> new AssertionError("the backend knows no pid of "
                        + victim.browser()));
                ProcessHandle process = ProcessHandle.of(pid).orElseThrow(
                        () -> new AssertionError("browser process " + pid + " is not running"));
                long t0 = System.nanoTime();
                // SIGKILL on Linux: the browser gets no chance to close anything.
                process.destroyForcibly();
                pool.await(() -> pool.connected().stream().noneMatch(w -> w.browser().equals(victim.browser())), 60,
                        "the pool to drop the killed browser's pages");
                gone.add((System.nanoTime() - t0) / 1e6);
                pool.await(() -> {
                    List<WorkerInfo> w = pool.connected();
                    return w.size() == 2 && w.stream().map(WorkerInfo::browser).distinct().count() == 2;
                }, 120, "two connected pages in two browsers again");
                recovered.add((System.nanoTime() - t0) / 1e6);
            }
            load.measure(1000);
        } finally {
            load.close();
        }
        PoolStatus after = pool.pool().status();
        long failed = after.failed() - before.failed();
        Figure f = new Figure("recovery", "kill -9 of one of two browsers under load (4 clients, image-classifier)");
        f.series("kill -9 to the dead pages out of the pool", "ms", gone)
                .series("kill -9 to full capacity (2 pages connected)", "ms", recovered);
        f.fact("requests submitted under load", load.submitted());
        f.fact("requests answered", load.succeeded());
        // Every client waits for its last request, so a request is either answered or it is an error here.
        f.fact(LOST, (long) load.errors().size());
        f.fact("failed in the pool's counters", failed);
        if (!load.errors().isEmpty()) {
            f.fact("first errors", load.errors().stream().map(String::valueOf).limit(3).toList());
        }
        return f;
    }
}
