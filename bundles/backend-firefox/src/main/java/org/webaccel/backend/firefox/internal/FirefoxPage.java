package org.webaccel.backend.firefox.internal;

import org.webaccel.backend.support.DriverPage;

/** One tab of a {@link FirefoxInstance}: a top-level WebDriver BiDi browsing context. */
final class FirefoxPage extends DriverPage<FirefoxInstance> {

    private final String context;
    /** The navigation that loaded the worker page, and its URL; set once it has committed. */
    private volatile String navigation;
    private volatile String url;

    FirefoxPage(String id, String context, FirefoxInstance browser) {
        super(id, browser);
        this.context = context;
    }

    @Override
    protected void closeInBrowser() {
        browser().closePage(this);
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
}
