package org.webaccel.webdriver.internal;

import org.webaccel.api.spi.BackendException;
import org.webaccel.backend.support.DriverPage;
import org.webaccel.webdriver.WebDriverPage;

/** One tab of a {@link Session}, known to WebDriver by its window handle. */
final class SessionPage extends DriverPage<Session> implements WebDriverPage {

    private final String handle;

    SessionPage(String id, String handle, Session session) {
        super(id, session);
        this.handle = handle;
    }

    @Override
    public Object executeScript(String script, Object... arguments) throws BackendException {
        return browser().executeScript(this, script, arguments);
    }

    @Override
    protected void closeInBrowser() {
        browser().closePage(this);
    }

    /** @return the tab's WebDriver window handle */
    String handle() {
        return handle;
    }
}
