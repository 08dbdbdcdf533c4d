package org.webaccel.api.spi;

import java.net.URI;
import java.util.OptionalLong;

/** One running browser, hosting pages. */
@org.osgi.annotation.versioning.ConsumerType
public interface BrowserInstance extends AutoCloseable {

    /** @return the id from the {@link LaunchSpec} */
    String id();

    /** @return the operating-system process id of the browser, when the backend knows it */
    OptionalLong pid();

    /** @return the browser version as the running browser reports it */
    String version();

    /**
     * Opens a page and navigates it to {@code url}; returns once navigation has started.
     *
     * @param url the worker page URL the bridge issued (it carries the worker's token)
     * @return the page
     * @throws BackendException when the page cannot be opened
     */
    BrowserPage openPage(URI url) throws BackendException;

    /** @return whether the browser is still running */
    boolean isAlive();

    /** Closes the browser and its pages; safe to call more than once. */
    @Override
    void close();
}
