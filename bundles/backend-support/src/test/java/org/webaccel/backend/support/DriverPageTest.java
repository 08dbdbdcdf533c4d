package org.webaccel.backend.support;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;

public class DriverPageTest {

    @Test
    public void aPageIsClosedInItsBrowserOnceHoweverOftenThePoolClosesIt() throws Exception {
        Tab tab = new Tab();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> closes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                closes.add(pool.submit(tab::close));
            }
            for (Future<?> close : closes) {
                close.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, tab.closes.get());
        assertTrue(tab.isCloseRequested());
    }

    @Test
    public void aPageTheBackendClosesItselfIsNotClosedAgain() {
        Tab tab = new Tab();
        assertFalse(tab.isCloseRequested());
        tab.markCloseRequested();
        tab.close();
        assertTrue(tab.isCloseRequested());
        assertEquals(0, tab.closes.get());
    }

    @Test
    public void aPageDiesOnce() {
        Tab tab = new Tab();
        assertTrue(tab.markDeathReported());
        assertFalse(tab.markDeathReported());
    }

    @Test
    public void aPageIsNamedAfterItsBrowser() {
        Tab tab = new Tab();
        assertEquals("page-1", tab.id());
        assertEquals("b1", tab.browser().id());
        assertEquals("b1/page-1", tab.toString());
    }

    private static final class Tab extends DriverPage<BrowserLifeTest.Browser> {
        final AtomicInteger closes = new AtomicInteger();

        Tab() {
            super("page-1", new BrowserLifeTest.Browser());
        }

        @Override
        protected void closeInBrowser() {
            closes.incrementAndGet();
        }
    }
}
