package org.webaccel.harness.bench;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.LaunchSpec;

/**
 * A backend that launches its browsers through another backend and remembers them by id, so that the
 * benchmark can find the operating-system process of the browser behind a {@code WorkerInfo} and kill it.
 * It adds nothing to the data path: pages still talk to the bridge by themselves.
 */
public final class RecordingBackend implements BrowserBackend {
    private final String name;
    private final BrowserBackend delegate;
    private final Map<String, BrowserInstance> launched = new ConcurrentHashMap<>();

    /**
     * @param name this backend's name in the pool
     * @param delegate the backend that really launches browsers
     */
    public RecordingBackend(String name, BrowserBackend delegate) {
        this.name = name;
        this.delegate = delegate;
    }

    @Override
    public BackendDescription describe() {
        BackendDescription d = delegate.describe();
        return new BackendDescription(name, d.family(), d.browserVersion(), d.available(), d.reason());
    }

    @Override
    public BrowserInstance launch(LaunchSpec spec) throws BackendException {
        BrowserInstance browser = delegate.launch(spec);
        launched.put(spec.id(), browser);
        return browser;
    }

    /**
     * @param id a browser id, as {@code WorkerInfo.browser()} gives it
     * @return the browser this backend launched under that id
     */
    public Optional<BrowserInstance> browser(String id) {
        return Optional.ofNullable(launched.get(id));
    }
}
