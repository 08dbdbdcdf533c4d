package org.webaccel.backend.support;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Test;
import org.webaccel.api.spi.BackendException;
import org.webaccel.testing.Await;

public class DriverThreadTest {

    /** Only a bound that keeps a broken test from hanging; no test depends on how long anything takes. */
    private static final Duration PATIENCE = Await.PATIENCE;

    private final DriverThread thread = new DriverThread("driver-under-test", failure -> "said " + failure.getMessage());
    private final ExecutorService callers = Executors.newFixedThreadPool(4);

    @After
    public void tearDown() {
        callers.shutdownNow();
        thread.stop(PATIENCE);
    }

    @Test
    public void everyCallRunsOnTheOneThreadAndNeverTwoAtOnce() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        List<Future<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            calls.add(callers.submit(() -> thread.call("count", PATIENCE, () -> {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                ranOn.add(Thread.currentThread());
                Thread.yield();
                running.decrementAndGet();
                return thread.isCurrent();
            })));
        }
        for (Future<Boolean> call : calls) {
            assertTrue("isCurrent inside a call", call.get());
        }
        assertEquals(1, mostAtOnce.get());
        assertEquals(1, ranOn.stream().distinct().count());
        assertEquals("driver-under-test", ranOn.get(0).getName());
        assertFalse("the test's thread is not the driver's", thread.isCurrent());
    }

    @Test
    public void aCallFromTheThreadItselfRunsAtOnce() throws Exception {
        // as when a listener, called on the driver's thread, closes the browser
        String inner = thread.call("outer", PATIENCE, () -> thread.call("inner", PATIENCE, () -> "inner ran"));
        assertEquals("inner ran", inner);
    }

    @Test
    public void failuresSayWhatCouldNotBeDone() throws Exception {
        try {
            thread.call("open a page", PATIENCE, () -> {
                throw new IllegalStateException("the driver is gone");
            });
            fail("the failure was swallowed");
        } catch (BackendException e) {
            assertEquals("cannot open a page: said the driver is gone", e.getMessage());
            assertTrue(e.getCause() instanceof IllegalStateException);
        }
        BackendException own = new BackendException("the backend's own words");
        try {
            thread.call("open a page", PATIENCE, () -> {
                throw own;
            });
            fail("the failure was swallowed");
        } catch (BackendException e) {
            assertSame("passed on as it is", own, e);
        }
    }

    @Test
    public void aCallThatIsNotAnsweredInTimeFailsAndWorkQueuedBehindItIsDropped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        thread.post(() -> await(release));
        AtomicInteger queuedRuns = new AtomicInteger();
        try {
            thread.call("wait for a hung driver", Duration.ofMillis(1), queuedRuns::incrementAndGet);
            fail("a call behind a hung one was answered");
        } catch (BackendException e) {
            assertEquals("cannot wait for a hung driver: no answer within 1 ms", e.getMessage());
        }
        release.countDown();
        assertEquals("the thread still works", "yes", thread.call("answer", PATIENCE, () -> "yes"));
        assertEquals("given up, so never run", 0, queuedRuns.get());
    }

    @Test
    public void stoppingRunsWhatIsQueuedAndRefusesWhatComesLater() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        thread.post(() -> await(release));
        thread.post(() -> ran.add("queued before the stop"));
        Future<?> stopping = callers.submit(() -> thread.stop(PATIENCE));
        release.countDown();
        stopping.get();
        assertEquals(List.of("queued before the stop"), ran);

        thread.post(() -> ran.add("posted after the end"));
        try {
            thread.call("open a page", PATIENCE, () -> ran.add("called after the end"));
            fail("a stopped thread took a call");
        } catch (BackendException e) {
            assertEquals("cannot open a page: the browser is closed", e.getMessage());
        }
        assertEquals(List.of("queued before the stop"), ran);
    }

    @Test
    public void theThreadMayStopItself() throws Exception {
        thread.call("close", PATIENCE, () -> {
            thread.stop(PATIENCE); // must not wait for itself
            return null;
        });
        Await.until("the thread ended", () -> {
            try {
                thread.call("probe", PATIENCE, () -> null);
                return false;
            } catch (BackendException e) {
                return e.getMessage().endsWith("the browser is closed");
            }
        });
    }

    @Test
    public void thePumpDeliversEventsBetweenCallsOnTheThread() throws Exception {
        BlockingQueue<String> driverMessages = new LinkedBlockingQueue<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicReference<Thread> handledOn = new AtomicReference<>();
        AtomicInteger pumps = new AtomicInteger();
        thread.pumpWith(stop -> {
            pumps.incrementAndGet();
            // as Playwright's wait does: read the driver's messages until the thread has other work
            while (!stop.getAsBoolean()) {
                String message = poll(driverMessages);
                if (message != null) {
                    handledOn.set(Thread.currentThread());
                    handled.add(message);
                }
            }
        }, failure -> fail("the pump failed: " + failure));

        driverMessages.add("page crashed");
        Await.until("the pump handled the event", () -> handled.contains("page crashed"));
        assertEquals("driver-under-test", handledOn.get().getName());

        int before = pumps.get();
        assertEquals("answered", thread.call("call between pumps", PATIENCE, () -> "answered"));
        Await.until("the pump resumed after the call", () -> pumps.get() > before);
        driverMessages.add("browser disconnected");
        Await.until("the resumed pump handled the next event", () -> handled.contains("browser disconnected"));
    }

    @Test
    public void aPumpThatFailsIsReportedOnTheThreadAndRemoved() throws Exception {
        AtomicInteger pumps = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        thread.pumpWith(stop -> {
            pumps.incrementAndGet();
            throw new IllegalStateException("connection lost");
        }, e -> failure.set(e.getMessage() + " on " + Thread.currentThread().getName()));
        Await.until("the failure was reported", () -> failure.get() != null);
        assertEquals("connection lost on driver-under-test", failure.get());
        thread.call("a call after the failure", PATIENCE, () -> null);
        assertEquals("the failed pump is not run again", 1, pumps.get());
    }

    @Test
    public void stopPumpingEndsTheWaitingPump() throws Exception {
        CountDownLatch pumping = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        thread.pumpWith(stop -> {
            pumping.countDown();
            while (!stop.getAsBoolean()) {
                Thread.onSpinWait();
            }
            ended.countDown();
        }, failure -> fail("the pump failed: " + failure));
        assertTrue(pumping.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
        thread.stopPumping();
        assertTrue(ended.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    public void repeatedWorkRunsOnTheThreadUntilCancelledAndSurvivesItsFailures() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        List<String> threads = new CopyOnWriteArrayList<>();
        DriverThread.Repetition watch = thread.every(Duration.ofMillis(1), () -> {
            threads.add(Thread.currentThread().getName());
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("the first look failed");
            }
        });
        Await.until("the work ran again after its failure", () -> runs.get() >= 3);
        assertEquals(List.of("driver-under-test"), threads.stream().distinct().toList());

        watch.cancel();
        thread.call("a call after the cancel", PATIENCE, () -> null); // a run under way has ended
        int afterCancel = runs.get();
        AtomicInteger other = new AtomicInteger();
        thread.every(Duration.ofMillis(1), other::incrementAndGet);
        Await.until("another repetition ran several times", () -> other.get() >= 3);
        assertEquals("the cancelled work ran no more", afterCancel, runs.get());
    }

    @Test
    public void repeatedWorkAlsoRunsWhileAPumpWaits() throws Exception {
        thread.pumpWith(stop -> {
            while (!stop.getAsBoolean()) {
                Thread.onSpinWait();
            }
        }, failure -> fail("the pump failed: " + failure));
        AtomicInteger runs = new AtomicInteger();
        thread.every(Duration.ofMillis(1), runs::incrementAndGet);
        Await.until("the watch ran between pumps", () -> runs.get() >= 3);
    }

    @Test
    public void theThreadCarriesTheContextClassLoaderItWasGiven() throws Exception {
        try (URLClassLoader bundleLoader = new URLClassLoader("a-bundle", new URL[0], null)) {
            DriverThread owned = new DriverThread("driver-with-loader", Throwable::getMessage, bundleLoader);
            try {
                assertSame(bundleLoader,
                        owned.call("look", PATIENCE, () -> Thread.currentThread().getContextClassLoader()));
            } finally {
                owned.stop(PATIENCE);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String poll(BlockingQueue<String> queue) {
        try {
            return queue.poll(5, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
