package org.webaccel.scheduler.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Supplier;
import org.webaccel.api.metrics.MetricsStore;

/**
 * Keeps the latest {@link History} snapshot. {@link #refresh()} reads the metrics store (a database query) and
 * runs on a background thread; {@link #get()} only reads a volatile field, so placement never waits for it.
 */
final class HistoryRefresher implements Supplier<History> {
    private static final Logger LOG = System.getLogger(HistoryRefresher.class.getName());

    private final Supplier<MetricsStore> store;
    private final Duration window;
    private volatile History current = History.EMPTY;
    private volatile boolean failing;

    /**
     * @param store the metrics store now bound, or null when there is none
     * @param window how far back to read
     */
    HistoryRefresher(Supplier<MetricsStore> store, Duration window) {
        this.store = store;
        this.window = window;
    }

    @Override
    public History get() {
        return current;
    }

    /**
     * Reads the summaries once. Without a store the history is empty. When the store cannot be read the last
     * snapshot stays: older medians are a better guess than none, and the failure is logged once.
     */
    void refresh() {
        MetricsStore s = store.get();
        if (s == null) {
            current = History.EMPTY;
            return;
        }
        try {
            current = History.of(s.summaries(window));
            if (failing) {
                failing = false;
                LOG.log(Level.INFO, "placement history readable again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.log(Level.WARNING, "placement keeps its last history: the metrics store cannot be read", e);
            }
        }
    }
}
