package org.webaccel.harness;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.ResourcePool;
import org.webaccel.testing.Await;

/** Finding the current pool service, and reconfiguring it through ConfigAdmin, from inside the framework. */
public final class PoolServices {
    private PoolServices() {
    }

    /** @return the pool service registered now, waiting for one if there is none */
    public static ResourcePool pool(BundleContext context) throws InterruptedException {
        return pool(context, -1);
    }

    private static ResourcePool pool(BundleContext context, long notServiceId) throws InterruptedException {
        // notServiceId < 0: any registration will do
        return Await.value("a ResourcePool service", () -> {
            ServiceReference<ResourcePool> ref = context.getServiceReference(ResourcePool.class);
            if (ref != null && (Long) ref.getProperty("service.id") != notServiceId) {
                return context.getService(ref);
            }
            return null;
        }, java.util.Objects::nonNull);
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
        Await.until("the pool took its new configuration", () -> pool.status().queueCapacity() == capacity);
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
    public static void awaitWorkers(ResourcePool pool, int n) throws InterruptedException {
        Await.until(n + " workers connected", () -> pool.status().workers() >= n,
                () -> pool.status() + " " + pool.backends());
    }
}
