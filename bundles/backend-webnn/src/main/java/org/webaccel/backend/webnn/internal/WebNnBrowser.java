package org.webaccel.backend.webnn.internal;

import java.net.URI;
import java.util.List;
import java.util.OptionalLong;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.BrowserPage;
import org.webaccel.webdriver.WebDriverBrowser;

/**
 * A WebNN browser: tells each worker page the configured WebNN device types, in order of preference, after
 * the '#' of its URL (the query belongs to the bridge). The page runs the webnn provider on the first of
 * them that can create a context.
 */
final class WebNnBrowser implements BrowserInstance {
    private final WebDriverBrowser delegate;
    private final String fragment;

    WebNnBrowser(WebDriverBrowser delegate, List<String> deviceTypes) {
        this.delegate = delegate;
        this.fragment = "webnnDeviceTypes=" + String.join(",", deviceTypes);
    }

    WebDriverBrowser delegate() {
        return delegate;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public OptionalLong pid() {
        return delegate.pid();
    }

    @Override
    public String version() {
        return delegate.version();
    }

    @Override
    public BrowserPage openPage(URI url) throws BackendException {
        String withoutFragment = url.toString().replaceFirst("#.*$", "");
        return delegate.openPage(URI.create(withoutFragment + "#" + fragment));
    }

    @Override
    public boolean isAlive() {
        return delegate.isAlive();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
