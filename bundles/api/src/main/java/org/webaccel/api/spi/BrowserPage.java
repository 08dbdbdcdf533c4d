package org.webaccel.api.spi;

/** One page (tab) in a browser. */
@org.osgi.annotation.versioning.ConsumerType
public interface BrowserPage {

    /** @return an id unique in its browser */
    String id();

    /** @return the browser hosting this page */
    BrowserInstance browser();

    /** Closes the page; safe to call more than once. */
    void close();
}
