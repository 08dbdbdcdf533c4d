package org.webaccel.harness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.tensor.Tensor;

/**
 * Figure 5: kill -9 of one of two browsers (one page each) while four clients keep requests in flight: the time
 * until the dead pages leave the pool, until two pages serve again, and until they do in two browsers; then the
 * same with one spare page kept warm (sparePages = 1), whose promotion restores the two pages in service before the
 * killed browser is replaced. And the requests lost.
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

    /** What the kills of one round measured. */
    private record Kills(List<Double> gone, List<Double> serving, List<Double> twoBrowsers) {
    }

    Figure measure() throws Exception {
        pool.reshape(2, 1);
        String model = "image-classifier";
        Map<String, Tensor> inputs = pool.inputs(model, 0, 5);
        PoolStatus before = pool.pool().status();
        ClosedLoopLoad load = new ClosedLoopLoad(pool.pool(), model, inputs, 4);
        Kills plain;
        Kills spare;
        try {
            plain = kills(load, false);
            spare = kills(load, true);
            load.measure(1000);
        } finally {
            load.close();
        }
        pool.reshape(2, 1);
        PoolStatus after = pool.pool().status();
        long failed = after.failed() - before.failed();
        Figure f = new Figure("recovery", "kill -9 of one of two browsers (one page each) under load (4 clients, "
                + "image-classifier); without and with a spare page");
        f.series("kill -9 to the dead page out of the pool", "ms", plain.gone())
                .series("kill -9 to 2 pages serving again", "ms", plain.serving())
                .series("kill -9 to 2 pages serving in 2 browsers (full capacity)", "ms", plain.twoBrowsers())
                .series("with a spare page: kill -9 to 2 pages serving again", "ms", spare.serving())
                .series("with a spare page: kill -9 to the spare page replaced", "ms", spare.twoBrowsers());
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

    /**
     * @param withSpare each kill starts from two browsers of one page each and a spare page in one of them, and
     *        kills the other browser
     */
    private Kills kills(ClosedLoopLoad load, boolean withSpare) throws Exception {
        List<Double> gone = new ArrayList<>();
        List<Double> serving = new ArrayList<>();
        List<Double> full = new ArrayList<>();
        for (int k = 0; k < config.kills(); k++) {
            if (withSpare) {
                pool.reshape(2, 1, Map.of("sparePages", 1));
                pool.await(() -> pool.spares() == 1, 120, "a spare page");
            }
            load.measure(1000);
            String spareBrowser = pool.pool().workers().stream().filter(w -> w.state().equals("spare"))
                    .map(WorkerInfo::browser).findFirst().orElse("");
            WorkerInfo victim = pool.connected().stream().filter(w -> !w.browser().equals(spareBrowser)).findFirst()
                    .orElse(pool.connected().get(0));
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
            pool.await(() -> pool.connected().size() == 2, 120, "two pages serving again");
            serving.add((System.nanoTime() - t0) / 1e6);
            if (withSpare) {
                pool.await(() -> pool.connected().size() == 2 && pool.spares() == 1, 120, "the spare replaced");
            } else {
                pool.await(() -> {
                    List<WorkerInfo> w = pool.connected();
                    return w.size() == 2 && w.stream().map(WorkerInfo::browser).distinct().count() == 2;
                }, 120, "two connected pages in two browsers again");
            }
            full.add((System.nanoTime() - t0) / 1e6);
        }
        return new Kills(gone, serving, full);
    }
}
