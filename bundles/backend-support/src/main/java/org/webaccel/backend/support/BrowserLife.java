package org.webaccel.backend.support;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserEvents;
import org.webaccel.api.spi.BrowserInstance;

/**
 * Whether one browser has been closed or has died, and the pool's one report of each death.
 *
 * <p>A browser dies once, and a page dies once; neither dies when we closed it, and a dying browser's pages
 * die with it rather than one by one. A listener that throws is logged: its failure must never reach the
 * driver's threads.
 */
public final class BrowserLife {

    private static final System.Logger LOG = System.getLogger(BrowserLife.class.getName());

    private final String browserId;
    private final BrowserEvents events;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean dead = new AtomicBoolean();

    /**
     * @param browserId the browser's id, for messages
     * @param events where deaths are reported
     */
    public BrowserLife(String browserId, BrowserEvents events) {
        this.browserId = browserId;
        this.events = events;
    }

    /** @return true the first time only: that caller closes the browser; from now on no death is reported */
    public boolean close() {
        return closed.compareAndSet(false, true);
    }

    /** @return whether {@link #close()} has been called */
    public boolean isClosed() {
        return closed.get();
    }

    /** @return whether the browser's death has been reported */
    public boolean isDead() {
        return dead.get();
    }

    /** @return whether the browser is closed or dead: nothing more is to be done with it */
    public boolean isOver() {
        return closed.get() || dead.get();
    }

    /**
     * @param what what the caller is about to do, for the message: "cannot <i>what</i>: ..."
     * @throws BackendException when the browser is closed or dead
     */
    public void checkUsable(String what) throws BackendException {
        if (closed.get()) {
            throw new BackendException("cannot " + what + ": browser " + browserId + " is closed");
        }
        if (dead.get()) {
            throw new BackendException("cannot " + what + ": browser " + browserId + " has died");
        }
    }

    /**
     * Reports the browser's death, unless it was closed or its death has been reported already.
     *
     * @param browser the browser
     * @param reason says what happened; asked only when the death is reported
     * @return whether it was reported now
     */
    public boolean browserDied(BrowserInstance browser, Supplier<String> reason) {
        if (closed.get() || !dead.compareAndSet(false, true)) {
            return false;
        }
        String told = reason.get();
        LOG.log(Level.WARNING, "browser {0}: {1}", browserId, told);
        tell(listener -> listener.browserDied(browser, told));
        return true;
    }

    /**
     * Reports a page's death, unless the browser is closed or dead, we closed the page, its death has been
     * reported already, or the browser no longer answers: a quitting or dying browser drops its tabs just
     * before the driver notices, and that is the browser's death, not theirs.
     *
     * @param page the page
     * @param reason what happened
     * @param browserAnswers a round trip to the browser; asked last, since it may take a while
     * @return whether it was reported now
     */
    public boolean pageDied(DriverPage<?> page, String reason, BooleanSupplier browserAnswers) {
        if (isOver() || page.isCloseRequested() || !browserAnswers.getAsBoolean() || !page.markDeathReported()) {
            return false;
        }
        LOG.log(Level.INFO, "{0}: {1}", page, reason);
        tell(listener -> listener.pageDied(page, reason));
        return true;
    }

    /**
     * Reports a page's death as {@link #pageDied(DriverPage, String, BooleanSupplier)} does, for a caller
     * that has just heard from the browser.
     *
     * @param page the page
     * @param reason what happened
     * @return whether it was reported now
     */
    public boolean pageDied(DriverPage<?> page, String reason) {
        return pageDied(page, reason, () -> true);
    }

    private void tell(Consumer<BrowserEvents> call) {
        try {
            call.accept(events);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "browser " + browserId + ": the event listener failed", e);
        }
    }
}
