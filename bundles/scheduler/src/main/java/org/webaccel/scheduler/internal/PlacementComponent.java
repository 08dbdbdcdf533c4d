package org.webaccel.scheduler.internal;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.scheduling.Candidate;
import org.webaccel.api.scheduling.PlacementPolicy;
import org.webaccel.api.scheduling.PlacementRequest;
import org.webaccel.api.scheduling.Score;

/**
 * The default {@link PlacementPolicy} service. Measured latency comes from the {@link MetricsStore} when one
 * is installed, read on this component's own thread every {@code historyRefreshSeconds}; a configuration
 * change re-creates the component.
 */
@Component(service = PlacementPolicy.class, configurationPid = PlacementComponent.PID,
        property = PlacementComponent.POLICY_PROPERTY + "=" + PlacementComponent.POLICY_NAME)
@Designate(ocd = SchedulerConfig.class)
public final class PlacementComponent implements PlacementPolicy {

    static final String PID = "org.webaccel.scheduler";
    /** Service property naming the policy, so a caller can pick this one among several. */
    static final String POLICY_PROPERTY = "webaccel.placement";
    static final String POLICY_NAME = "default";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MetricsStore metrics;

    private final DefaultPlacement placement;
    private final ScheduledExecutorService refresher;

    @Activate
    public PlacementComponent(SchedulerConfig config) {
        Settings settings = Settings.from(config);
        HistoryRefresher history = new HistoryRefresher(() -> metrics, settings.historyWindow());
        this.placement = new DefaultPlacement(settings, history);
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webaccel-placement-history");
            t.setDaemon(true);
            return t;
        });
        long period = settings.historyRefresh().toMillis();
        refresher.scheduleWithFixedDelay(history::refresh, 0, period, TimeUnit.MILLISECONDS);
    }

    /** Stops the history reads; waits briefly for one in flight so none runs after the bundle stopped. */
    @Deactivate
    void deactivate() throws InterruptedException {
        refresher.shutdownNow();
        refresher.awaitTermination(2, TimeUnit.SECONDS);
    }

    @Override
    public List<Score> rank(PlacementRequest request, List<Candidate> candidates) {
        return placement.rank(request, candidates);
    }
}
