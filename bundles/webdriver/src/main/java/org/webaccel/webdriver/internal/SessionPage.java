package org.webaccel.webdriver.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import org.webaccel.api.spi.BackendException;
import org.webaccel.webdriver.WebDriverBrowser;
import org.webaccel.webdriver.WebDriverPage;

/** One tab of a {@link Session}, known to WebDriver by its window handle. */
final class SessionPage implements WebDriverPage {

    private final String id;
    private final String handle;
    private final Session session;
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private final AtomicBoolean deathReported = new AtomicBoolean();

    SessionPage(String id, String handle, Session session) {
        this.id = id;
        this.handle = handle;
        this.session = session;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public WebDriverBrowser browser() {
        return session;
    }

    @Override
    public Object executeScript(String script, Object... arguments) throws BackendException {
        return session.executeScript(this, script, arguments);
    }

    @Override
    public void close() {
        if (closeRequested.compareAndSet(false, true)) {
            session.closePage(this);
        }
    }

    /** @return the tab's WebDriver window handle */
    String handle() {
        return handle;
    }

    /** @return whether the pool (or the session itself) asked for the close */
    boolean isCloseRequested() {
        return closeRequested.get();
    }

    /** @return true the first time only: a page dies once */
    boolean markDeathReported() {
        return deathReported.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return session.id() + "/" + id;
    }
}
