package org.webaccel.breaker.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.webaccel.api.health.BreakerHistory;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.health.HealthScore;
import org.webaccel.api.spi.BrowserBackend;

/**
 * The {@link HealthMonitor} service. It learns each backend's browser family from the backend services, so
 * per-family thresholds apply; a configuration change re-creates the component and starts every breaker
 * closed.
 */
@Component(service = HealthMonitor.class, configurationPid = HealthMonitorComponent.PID)
@Designate(ocd = BreakerConfig.class)
public final class HealthMonitorComponent implements HealthMonitor {

    static final String PID = "org.webaccel.breaker";

    private final ConcurrentMap<String, String> families = new ConcurrentHashMap<>();
    private final CircuitHealthMonitor monitor;

    @Activate
    public HealthMonitorComponent(BreakerConfig config) {
        this.monitor = new CircuitHealthMonitor(Settings.from(config), families::get, Clock.systemUTC());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindBackend(BrowserBackend backend, Map<String, Object> properties) {
        Object name = properties.get(BrowserBackend.NAME_PROPERTY);
        if (name == null) {
            return;
        }
        try {
            String family = backend.describe().family();
            if (family != null) {
                families.put(name.toString(), family);
            }
        } catch (RuntimeException e) {
            // a backend that cannot describe itself gets the thresholds for its name
        }
    }

    void unbindBackend(BrowserBackend backend, Map<String, Object> properties) {
        // keep the family: workers of a departing backend still report their last outcomes
    }

    @Override
    public void recordSuccess(String workerId, String backend, String model, Duration latency) {
        monitor.recordSuccess(workerId, backend, model, latency);
    }

    @Override
    public void recordFailure(String workerId, String backend, FailureClass failureClass) {
        monitor.recordFailure(workerId, backend, failureClass);
    }

    @Override
    public void recordFailure(String workerId, String backend, FailureClass failureClass, String detail) {
        monitor.recordFailure(workerId, backend, failureClass, detail);
    }

    @Override
    public void recordConnectionDrop(String workerId, String backend) {
        monitor.recordConnectionDrop(workerId, backend);
    }

    @Override
    public void recordMemory(String workerId, String backend, long residentBytes) {
        monitor.recordMemory(workerId, backend, residentBytes);
    }

    @Override
    public boolean allows(String workerId, String backend) {
        return monitor.allows(workerId, backend);
    }

    @Override
    public Optional<BreakerState> workerBreaker(String workerId) {
        return monitor.workerBreaker(workerId);
    }

    @Override
    public Optional<BreakerState> backendBreaker(String backend) {
        return monitor.backendBreaker(backend);
    }

    @Override
    public Optional<BreakerHistory> workerHistory(String workerId) {
        return monitor.workerHistory(workerId);
    }

    @Override
    public Optional<BreakerHistory> backendHistory(String backend) {
        return monitor.backendHistory(backend);
    }

    @Override
    public List<BreakerHistory> histories() {
        return monitor.histories();
    }

    @Override
    public Optional<HealthScore> workerHealth(String workerId) {
        return monitor.workerHealth(workerId);
    }

    @Override
    public Optional<HealthScore> backendHealth(String backend) {
        return monitor.backendHealth(backend);
    }

    @Override
    public List<BreakerState> breakers() {
        return monitor.breakers();
    }

    @Override
    public List<HealthScore> scores() {
        return monitor.scores();
    }

    @Override
    public void forget(String workerId) {
        monitor.forget(workerId);
    }
}
