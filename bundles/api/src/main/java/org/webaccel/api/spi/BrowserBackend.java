package org.webaccel.api.spi;

/**
 * A way to run browsers: a service that a backend bundle registers. The pool finds every registered backend,
 * launches browsers on the available ones and opens worker pages in them at URLs the bridge issues. The
 * page then talks to the bridge by itself; a backend never sees a tensor.
 *
 * <p>Service property {@value #NAME_PROPERTY} names the backend.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface BrowserBackend {

    /** Service property holding the backend's name. */
    String NAME_PROPERTY = "webaccel.backend";

    /**
     * Describes the backend. Cheap to call: a backend probes its browser once and keeps the answer.
     *
     * @return name, family, version and availability with its reason
     */
    BackendDescription describe();

    /**
     * Launches a browser.
     *
     * @param spec the id and the event sink
     * @return the running browser
     * @throws BackendException when the browser does not start, with the driver's words
     */
    BrowserInstance launch(LaunchSpec spec) throws BackendException;
}
