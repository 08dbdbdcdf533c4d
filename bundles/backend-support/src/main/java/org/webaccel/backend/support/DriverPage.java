package org.webaccel.backend.support;

import java.util.concurrent.atomic.AtomicBoolean;

import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;

/**
 * One page (tab) of a driven browser, with what became of it: whether its close was asked for, and whether
 * its death has been reported.
 *
 * <p>The pool closes pages from any thread, perhaps more than once, and a tab it closed disappears just as a
 * crashed or foreign-closed one does. Both flags let {@link BrowserLife} report only the deaths that were
 * not ours, each once.
 *
 * @param <B> the backend's browser type, which closes the page
 */
public abstract class DriverPage<B extends BrowserInstance> implements BrowserPage {

    private final String id;
    private final B browser;
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final AtomicBoolean deathReported = new AtomicBoolean();

    /**
     * @param id the page's id, unique in its browser
     * @param browser its browser
     */
    protected DriverPage(String id, B browser) {
        this.id = id;
        this.browser = browser;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final B browser() {
        return browser;
    }

    /** Closes the page in its browser the first time only. */
    @Override
    public final void close() {
        if (closeRequested.compareAndSet(false, true)) {
            closeInBrowser();
        }
    }

    /** Closes the tab; called once, by the first {@link #close()}. */
    protected abstract void closeInBrowser();

    /** Marks the page as closed by us without closing it, e.g. before the backend closes a failed page itself. */
    public final void markCloseRequested() {
        closeRequested.set(true);
    }

    /** @return whether the pool (or the backend) asked for the close */
    public final boolean isCloseRequested() {
        return closeRequested.get();
    }

    /** @return true the first time only: a page dies once */
    final boolean markDeathReported() {
        return deathReported.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return browser.id() + "/" + id;
    }
}
