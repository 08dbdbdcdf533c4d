package org.webaccel.harness;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.ResourcePool;

/** Finding the current pool service, and reconfiguring it through ConfigAdmin, from inside the framework. */
public final class PoolServices {
    private PoolServices() {
    }

    /** @return the pool service registered now, waiting up to 30 s for one */
    public static ResourcePool pool(BundleContext context) throws InterruptedException {
        return pool(context, -1);
    }

    private static ResourcePool pool(BundleContext context, long notServiceId) throws InterruptedException {
        // notServiceId < 0: any registration will do
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            ServiceReference<ResourcePool> ref = context.getServiceReference(ResourcePool.class);
            if (ref != null && (Long) ref.getProperty("service.id") != notServiceId) {
                ResourcePool pool = context.getService(ref);
                if (pool != null) {
                    return pool;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no ResourcePool service within 30 s");
    }

    private static final java.util.concurrent.atomic.AtomicInteger MARK = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Replaces the pool's configuration and waits until the running pool has applied it. ConfigAdmin
     * delivers asynchronously; the queue capacity, which {@code pool:status} shows, is set to a fresh value
     * with each call to tell when the update has arrived.
     *
     * @return the pool service (the same one: the pool takes configuration changes while it runs)
     */
    public static ResourcePool reconfigure(BundleContext context, ConfigurationAdmin cm, Map<String, Object> props)
            throws Exception {
        ResourcePool pool = pool(context);
        int capacity = 256 + MARK.incrementAndGet();
        Dictionary<String, Object> d = new Hashtable<>(props);
        d.put("queueCapacity", capacity);
        Configuration c = cm.getConfiguration("org.webaccel.pool", "?");
        c.update(d);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pool.status().queueCapacity() != capacity) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the pool did not take its new configuration within 30 s");
            }
            Thread.sleep(20);
        }
        return pool;
    }

    /** @return the installed bundle with this symbolic name */
    public static org.osgi.framework.Bundle bundle(BundleContext context, String symbolicName) {
        for (org.osgi.framework.Bundle b : context.getBundles()) {
            if (b.getSymbolicName().equals(symbolicName)) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    /** Waits until the pool has {@code n} connected workers. */
    public static void awaitWorkers(ResourcePool pool, int n, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (pool.status().workers() < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("fewer than " + n + " workers after " + seconds + " s: " + pool.status()
                        + " " + pool.backends());
            }
            Thread.sleep(100);
        }
    }
}
