package org.webaccel.backend.chromium.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;

import com.microsoft.playwright.Page;

/** One tab of a {@link ChromiumInstance}; its Playwright page is touched only on the browser's thread. */
final class ChromiumPage implements BrowserPage {

    private final String id;
    private final ChromiumInstance browser;
    private final Page page;
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final AtomicBoolean deathReported = new AtomicBoolean();

    ChromiumPage(String id, ChromiumInstance browser, Page page) {
        this.id = id;
        this.browser = browser;
        this.page = page;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public BrowserInstance browser() {
        return browser;
    }

    @Override
    public void close() {
        if (closeRequested.compareAndSet(false, true)) {
            browser.closePage(this);
        }
    }

    /** @return the Playwright page; only for the browser's thread */
    Page page() {
        return page;
    }

    /** Marks the page as closed by us, so that its close event is not reported as a death. */
    void markCloseRequested() {
        closeRequested.set(true);
    }

    /** @return whether the pool (or the backend) asked for the close */
    boolean isCloseRequested() {
        return closeRequested.get();
    }

    /** @return true the first time only: a page dies once */
    boolean markDeathReported() {
        return deathReported.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return browser.id() + "/" + id;
    }
}
