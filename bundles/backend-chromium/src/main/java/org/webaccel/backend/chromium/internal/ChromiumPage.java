package org.webaccel.backend.chromium.internal;

import org.webaccel.backend.support.DriverPage;

import com.microsoft.playwright.Page;

/** One tab of a {@link ChromiumInstance}; its Playwright page is touched only on the browser's thread. */
final class ChromiumPage extends DriverPage<ChromiumInstance> {

    private final Page page;

    ChromiumPage(String id, ChromiumInstance browser, Page page) {
        super(id, browser);
        this.page = page;
    }

    @Override
    protected void closeInBrowser() {
        browser().closePage(this);
    }

    /** @return the Playwright page; only for the browser's thread */
    Page page() {
        return page;
    }
}
