package org.webaccel.harness.bench;

import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.webaccel.api.scheduling.PlacementPolicy;

/**
 * The default placement policy's configuration (PID {@code org.webaccel.scheduler}) as the benchmark changes
 * it. Each change carries a fresh mark; the component re-created with it carries the mark as a service
 * property, which tells when the change has arrived.
 */
final class SchedulerSettings {
    static final String PID = "org.webaccel.scheduler";
    private static final String MARK = "webaccel.bench.mark";

    private final BundleContext context;
    private final ConfigurationAdmin cm;
    private int mark;

    SchedulerSettings(BundleContext context, ConfigurationAdmin cm) {
        this.context = context;
        this.cm = cm;
    }

    /**
     * Replaces the scheduler's configuration and waits for the policy that runs with it.
     *
     * @return that policy
     */
    PlacementPolicy apply(Map<String, Object> props) throws Exception {
        Dictionary<String, Object> d = new Hashtable<>(props);
        int m = ++mark;
        d.put(MARK, m);
        cm.getConfiguration(PID, "?").update(d);
        String filter = "(&(webaccel.placement=default)(" + MARK + "=" + m + "))";
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            Collection<ServiceReference<PlacementPolicy>> refs = context.getServiceReferences(PlacementPolicy.class,
                    filter);
            if (!refs.isEmpty()) {
                PlacementPolicy p = context.getService(refs.iterator().next());
                if (p != null) {
                    return p;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the default placement policy did not take " + props + " within 30 s");
    }

    /** Removes the benchmark's configuration: the scheduler goes back to its defaults. */
    void reset() throws Exception {
        cm.getConfiguration(PID, "?").delete();
    }
}
