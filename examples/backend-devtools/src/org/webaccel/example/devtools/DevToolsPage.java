package org.webaccel.example.devtools;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;

/** One tab, known to Chromium by its DevTools target id. */
final class DevToolsPage implements BrowserPage {
    private static final Logger LOG = System.getLogger(DevToolsPage.class.getName());

    private final String id;
    private final DevToolsBrowser browser;
    private final DevToolsEndpoint devtools;
    private final AtomicBoolean closed = new AtomicBoolean();

    DevToolsPage(String id, DevToolsBrowser browser, DevToolsEndpoint devtools) {
        this.id = id;
        this.browser = browser;
        this.devtools = devtools;
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
        // A page of a browser that is gone closed with it; asking its endpoint would only wait for a timeout.
        if (closed.compareAndSet(false, true) && browser.isAlive()) {
            try {
                devtools.closePage(id);
            } catch (BackendException e) {
                // The pool closes pages whose worker is gone for any reason, including a crashed tab that
                // Chromium has already discarded: nothing is left to close.
                LOG.log(Level.DEBUG, "closing page " + id + " of " + browser + ": " + e.getMessage());
            }
        }
    }
}
