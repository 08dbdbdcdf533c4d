package org.webaccel.pool.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * How a backend's pages stand against its target: the workers that count towards it, and the spare pages kept
 * warm beside them. A spare page is connected (or connecting) but takes no work until a worker of its backend is
 * lost; then it enters service at once, and a new spare opens behind it.
 */
final class Spares {
    private Spares() {
    }

    /** @return workers that count towards the target: in service or starting, not spare, in browsers that take pages */
    static int live(List<BrowserHost> hosts) {
        int n = 0;
        for (BrowserHost h : hosts) {
            if (h.acceptsPages()) {
                for (Worker w : h.workers) {
                    n += !w.isSpare() && !w.isDraining() && !w.isClosed() ? 1 : 0;
                }
            }
        }
        return n;
    }

    /** @return the spare pages, connected or connecting, in browsers that take pages */
    static List<Worker> spares(List<BrowserHost> hosts) {
        List<Worker> spares = new ArrayList<>();
        for (BrowserHost h : hosts) {
            if (h.acceptsPages()) {
                for (Worker w : h.workers) {
                    if (w.isSpare() && !w.isClosed()) {
                        spares.add(w);
                    }
                }
            }
        }
        // connected ones first: they serve at once
        spares.sort((a, b) -> Boolean.compare(a.isStarting(), b.isStarting()));
        return spares;
    }

    /**
     * @param extra pages a browser may hold beyond {@code maxPages} for spares
     * @return the browser a new spare page opens in: the one with the fewest workers that has room, so that a
     *         browser's death leaves spares elsewhere; or null
     */
    static BrowserHost hostForSpare(List<BrowserHost> hosts, int maxPages, int extra) {
        BrowserHost best = null;
        for (BrowserHost h : hosts) {
            if (h.acceptsPages() && h.workers.size() < maxPages + extra
                    && (best == null || h.workers.size() < best.workers.size())) {
                best = h;
            }
        }
        return best;
    }
}
