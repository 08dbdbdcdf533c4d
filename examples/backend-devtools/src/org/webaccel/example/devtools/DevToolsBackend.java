package org.webaccel.example.devtools;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.webaccel.api.spi.BackendDescription;
import org.webaccel.api.spi.BackendException;
import org.webaccel.api.spi.BrowserBackend;
import org.webaccel.api.spi.BrowserInstance;
import org.webaccel.api.spi.LaunchSpec;

/**
 * The {@code devtools} backend: starts {@code chromium} itself and opens tabs through the DevTools HTTP
 * endpoint, with nothing but the JDK. Thread-safe; the pool calls it from its own threads.
 */
final class DevToolsBackend implements BrowserBackend {

    /** The backend's name, also its service property {@value BrowserBackend#NAME_PROPERTY}. */
    static final String NAME = "devtools";

    private final ChromiumCommand command;
    private final HttpClient http = DevToolsEndpoint.newClient();
    private final Set<DevToolsBrowser> running = ConcurrentHashMap.newKeySet();
    private BackendDescription description; // guarded by this

    /** @param command how to run Chromium */
    DevToolsBackend(ChromiumCommand command) {
        this.command = command;
    }

    /** Probes Chromium on the first call only: the pool may call this often (every pool:backends). */
    @Override
    public synchronized BackendDescription describe() {
        if (description == null) {
            description = command.probe(NAME);
        }
        return description;
    }

    @Override
    public BrowserInstance launch(LaunchSpec spec) throws BackendException {
        BackendDescription described = describe();
        if (!described.available()) {
            throw new BackendException("the devtools backend cannot launch browsers: " + described.reason());
        }
        DevToolsBrowser browser = DevToolsBrowser.launch(spec, command, http, running::remove);
        running.add(browser);
        return browser;
    }

    /** Closes every browser still running: none may outlive the bundle, nobody could close it afterwards. */
    void closeAll() {
        List.copyOf(running).forEach(DevToolsBrowser::close);
    }
}
