package org.webaccel.harness.soak;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.webaccel.harness.ProtocolClient;
import org.webaccel.harness.ProtocolClient.Body;

/**
 * Clients that each keep one inference in flight over the container's HTTP endpoint (binary tensors), every
 * {@code largeEvery}-th of them with the large input. Counts answers by status and keeps the peak of request
 * bytes the clients had sent and not yet had answered.
 */
final class SoakLoad implements AutoCloseable {
    private final List<Thread> clients = new ArrayList<>();
    private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final AtomicLong peakInFlightBytes = new AtomicLong();
    private volatile boolean running = true;

    SoakLoad(ProtocolClient client, Body small, Body large, int concurrency, int largeEvery) {
        for (int i = 0; i < concurrency; i++) {
            int client0 = i;
            Thread t = new Thread(() -> {
                long n = client0;
                while (running) {
                    Body body = largeEvery > 0 && n++ % largeEvery == 0 ? large : small;
                    long bytes = body.bytes().length;
                    peakInFlightBytes.accumulateAndGet(inFlightBytes.addAndGet(bytes), Math::max);
                    try {
                        HttpResponse<byte[]> r = client.post("/v2/models/image-classifier/infer", body);
                        byStatus.computeIfAbsent(r.statusCode(), s -> new AtomicLong()).incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    } finally {
                        inFlightBytes.addAndGet(-bytes);
                    }
                }
            }, "soak-client-" + i);
            t.setDaemon(true);
            clients.add(t);
            t.start();
        }
    }

    /** @return answers by HTTP status so far */
    Map<Integer, Long> byStatus() {
        Map<Integer, Long> m = new java.util.TreeMap<>();
        byStatus.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /** @return requests that got no HTTP answer at all (the connection failed) */
    long errors() {
        return errors.get();
    }

    /** @return the most request bytes in flight at once */
    long peakInFlightBytes() {
        return peakInFlightBytes.get();
    }

    /** Lets every client finish the request it has in flight, then stops them. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : clients) {
            t.join();
        }
    }
}
