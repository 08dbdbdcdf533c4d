package org.webaccel.backend.support;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class ProbedTest {

    @Test
    public void aValueIsProbedOnceAndKept() {
        AtomicInteger probes = new AtomicInteger();
        Probed<Integer> p = Probed.once(probes::incrementAndGet);
        assertEquals(1, (int) p.get());
        assertEquals(1, (int) p.get());
        assertEquals(1, probes.get());
    }

    @Test
    public void callersThatComeWhileTheProbeRunsShareItsAnswer() throws Exception {
        AtomicInteger probes = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Probed<Integer> p = Probed.once(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return probes.incrementAndGet();
        });
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(p::get);
        running.await();
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(p::get);
        release.countDown();
        assertEquals(1, (int) first.get(10, TimeUnit.SECONDS));
        assertEquals(1, (int) second.get(10, TimeUnit.SECONDS));
        assertEquals(1, probes.get());
    }

    @Test
    public void aProbeThatThrowsIsNotKept() {
        AtomicInteger probes = new AtomicInteger();
        Probed<Integer> p = Probed.once(() -> {
            if (probes.incrementAndGet() == 1) {
                throw new IllegalStateException("no browser");
            }
            return probes.get();
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, p::get);
        assertEquals("no browser", e.getMessage());
        assertEquals(2, (int) p.get());
        assertEquals(2, (int) p.get());
    }

    @Test
    public void anAnswerNotToKeepIsReturnedAndProbedAgainNextTime() {
        AtomicInteger probes = new AtomicInteger();
        Probed<Integer> p = Probed.kept(probes::incrementAndGet, v -> v > 1, Duration.ofDays(1), System::nanoTime);
        assertEquals(1, (int) p.get());
        assertEquals(2, (int) p.get());
        assertEquals(2, (int) p.get());
    }

    @Test
    public void anAnswerOlderThanItsMaximumAgeIsProbedAgain() {
        AtomicLong now = new AtomicLong();
        AtomicInteger probes = new AtomicInteger();
        Probed<Integer> p = Probed.kept(probes::incrementAndGet, v -> true, Duration.ofSeconds(5), now::get);
        assertEquals(1, (int) p.get());
        now.set(Duration.ofSeconds(4).toNanos());
        assertEquals(1, (int) p.get());
        now.set(Duration.ofSeconds(5).toNanos());
        assertEquals(2, (int) p.get());
        p.forget();
        assertEquals(3, (int) p.get());
    }
}
