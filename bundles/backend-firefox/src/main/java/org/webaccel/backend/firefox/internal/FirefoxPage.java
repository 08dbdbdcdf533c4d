package org.webaccel.backend.firefox.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;

/** One tab of a {@link FirefoxInstance}: a top-level WebDriver BiDi browsing context. */
final class FirefoxPage implements BrowserPage {

    private final String id;
    private final String context;
    private final FirefoxInstance browser;
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final AtomicBoolean deathReported = new AtomicBoolean();
    /** The navigation that loaded the worker page, and its URL; set once it has committed. */
    private volatile String navigation;
    private volatile String url;

    FirefoxPage(String id, String context, FirefoxInstance browser) {
        this.id = id;
        this.context = context;
        this.browser = browser;
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

    /** @return the browsing context's id */
    String context() {
        return context;
    }

    /**
     * Records that the page's navigation has committed: any later navigation replaces the worker page.
     *
     * @param navigationId the navigation's id
     * @param committedUrl the URL as the browser reports it
     */
    void opened(String navigationId, String committedUrl) {
        this.url = committedUrl;
        this.navigation = navigationId;
    }

    /**
     * @param navigationId a committed navigation of this page's context
     * @param committedUrl the URL it committed
     * @return whether it replaced the worker page: a crashed tab shows as a commit of {@code about:blank}
     */
    boolean isReplacedBy(String navigationId, String committedUrl) {
        String opened = navigation;
        return opened != null && !(opened.equals(navigationId) && committedUrl.equals(url));
    }

    /** Marks the page as closed by us, so that its disappearance is not reported as a death. */
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
