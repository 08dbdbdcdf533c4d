package org.webaccel.metrics.internal.prometheus;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.Function;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.PoolStatus;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.health.BreakerHistory;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.health.HealthScore;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.metrics.RecordingStatus;

/**
 * The live state of the platform as Prometheus gauges and counters, read when scraped: the pool's queue,
 * workers and request counters, each backend, the circuit breakers and health scores when a
 * {@link HealthMonitor} is installed, and the metrics store's recording counters. A service that is absent
 * contributes no samples.
 */
final class PlatformCollectors {

    /** One value of {@link PoolStatus}, exposed under its own name. */
    private record PoolValue(String name, String help, boolean counter, Function<PoolStatus, Number> value) {
    }

    /** What the pool's status shows; a new {@link PoolStatus} field is one more line here. */
    private static final List<PoolValue> POOL = List.of(
            new PoolValue("webaccel_pool_workers_connected", "Workers whose page is connected", false,
                    PoolStatus::workers),
            new PoolValue("webaccel_pool_queue_length", "Requests waiting for a worker", false, PoolStatus::queued),
            new PoolValue("webaccel_pool_queue_capacity", "The bound of the request queue", false,
                    PoolStatus::queueCapacity),
            new PoolValue("webaccel_pool_in_flight", "Accepted requests not yet ended (queued or running)", false,
                    PoolStatus::inFlight),
            new PoolValue("webaccel_pool_requests_submitted", "Requests the pool accepted", true,
                    PoolStatus::submitted),
            new PoolValue("webaccel_pool_requests_succeeded", "Requests ended with a result", true,
                    PoolStatus::succeeded),
            new PoolValue("webaccel_pool_requests_failed", "Requests ended with an error", true, PoolStatus::failed),
            new PoolValue("webaccel_pool_requests_rejected",
                    "Requests refused at submission (invalid input, unknown model, full queue)", true,
                    PoolStatus::rejected),
            new PoolValue("webaccel_pool_requests_retried", "Attempts beyond each request's first", true,
                    PoolStatus::retried));

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Clock clock;

    /**
     * @param pool the pool now, or null
     * @param health the health monitor now, or null
     * @param store the metrics store now, or null
     */
    PlatformCollectors(Supplier<ResourcePool> pool, Supplier<HealthMonitor> health, Supplier<MetricsStore> store) {
        this(pool, health, store, Clock.systemUTC());
    }

    /**
     * @param pool the pool now, or null
     * @param health the health monitor now, or null
     * @param store the metrics store now, or null
     * @param clock the time against which a breaker's time in its phase is read
     */
    PlatformCollectors(Supplier<ResourcePool> pool, Supplier<HealthMonitor> health, Supplier<MetricsStore> store,
            Clock clock) {
        this.clock = clock;
        for (PoolValue v : POOL) {
            if (v.counter()) {
                CounterWithCallback.builder().name(v.name()).help(v.help())
                        .callback(cb -> ifPresent(pool, p -> cb.call(v.value().apply(p.status()).doubleValue())))
                        .register(registry);
            } else {
                GaugeWithCallback.builder().name(v.name()).help(v.help())
                        .callback(cb -> ifPresent(pool, p -> cb.call(v.value().apply(p.status()).doubleValue())))
                        .register(registry);
            }
        }
        GaugeWithCallback.builder().name("webaccel_pool_request_memory_bytes")
                .help("Bytes the pool's requests hold: inputs in flight and results not yet delivered")
                .callback(cb -> ifPresent(pool, p -> cb.call(p.requestMemory().heldBytes()))).register(registry);
        GaugeWithCallback.builder().name("webaccel_pool_request_memory_budget_bytes")
                .help("The budget of the pool's request memory; past it requests are rejected at once")
                .callback(cb -> ifPresent(pool, p -> cb.call(p.requestMemory().budgetBytes()))).register(registry);
        GaugeWithCallback.builder().name("webaccel_pool_workers").help("Workers by state")
                .labelNames("state").callback(cb -> ifPresent(pool, p -> {
                    PoolStatus s = p.status();
                    cb.call(s.idle(), "idle");
                    cb.call(s.busy(), "busy");
                    cb.call(s.starting(), "starting");
                })).register(registry);
        CounterWithCallback.builder().name("webaccel_pool_requests_failed_by_class")
                .help("Requests ended with an error, by the class of the error").labelNames("class")
                .callback(cb -> ifPresent(pool, p -> p.status().failedByClass()
                        .forEach((c, n) -> cb.call(n, c.id())))).register(registry);
        backends(pool);
        breakers(health);
        recording(store);
    }

    private void backends(Supplier<ResourcePool> pool) {
        GaugeWithCallback.builder().name("webaccel_backend_available")
                .help("1 when the backend can serve: its browser was found and its launches have not failed "
                        + "too often in a row; else 0")
                .labelNames("backend", "family", "browser_version").callback(cb -> ifPresent(pool, p -> {
                    for (BackendStatus b : p.backends()) {
                        cb.call(b.available() ? 1 : 0, b.description().name(),
                                b.description().family(), b.description().browserVersion());
                    }
                })).register(registry);
        backendGauge(pool, "webaccel_backend_browsers", "Browsers the pool runs on the backend",
                BackendStatus::browsers);
        backendGauge(pool, "webaccel_backend_workers", "Pages the pool runs on the backend, connected or starting",
                BackendStatus::workers);
        backendGauge(pool, "webaccel_backend_draining", "1 while the backend takes no new work, else 0",
                b -> b.draining() ? 1 : 0);
        backendGauge(pool, "webaccel_backend_failed_launches", "Browser launches of the backend that failed in a "
                + "row; 0 once one works", BackendStatus::failedLaunches);
    }

    private void backendGauge(Supplier<ResourcePool> pool, String name, String help,
            Function<BackendStatus, Number> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("backend").callback(cb -> ifPresent(pool, p -> {
            for (BackendStatus b : p.backends()) {
                cb.call(value.apply(b).doubleValue(), b.description().name());
            }
        })).register(registry);
    }

    private void breakers(Supplier<HealthMonitor> health) {
        GaugeWithCallback.builder().name("webaccel_breaker_state")
                .help("Circuit breakers: 1 for the phase each is in (closed, open, half_open), 0 for the others")
                .labelNames("scope", "id", "backend", "state").callback(cb -> ifPresent(health, h -> {
                    for (BreakerState b : h.breakers()) {
                        String scope = b.scope().name().toLowerCase(Locale.ROOT);
                        for (BreakerState.Phase phase : BreakerState.Phase.values()) {
                            cb.call(phase == b.phase() ? 1 : 0, scope, b.id(), b.backend(),
                                    phase.name().toLowerCase(Locale.ROOT));
                        }
                    }
                })).register(registry);
        // labelled like webaccel_breaker_state: one series per breaker and phase, gone with a forgotten worker
        CounterWithCallback.builder().name("webaccel_breaker_transitions")
                .help("Phase changes of each circuit breaker since it was created, by the phase it entered")
                .labelNames("scope", "id", "backend", "to").callback(cb -> ifPresent(health, h -> {
                    for (BreakerHistory b : h.histories()) {
                        String scope = b.scope().name().toLowerCase(Locale.ROOT);
                        b.transitionsInto().forEach((phase, n) -> cb.call(n, scope, b.id(), b.backend(),
                                phase.name().toLowerCase(Locale.ROOT)));
                    }
                })).register(registry);
        GaugeWithCallback.builder().name("webaccel_breaker_phase_age_seconds")
                .help("Seconds each circuit breaker has been in its current phase (since it was created if it "
                        + "never changed)")
                .labelNames("scope", "id", "backend").callback(cb -> ifPresent(health, h -> {
                    for (BreakerHistory b : h.histories()) {
                        cb.call(Duration.between(b.phaseSince(), clock.instant()).toMillis() / 1000.0,
                                b.scope().name().toLowerCase(Locale.ROOT), b.id(), b.backend());
                    }
                })).register(registry);
        GaugeWithCallback.builder().name("webaccel_health_score")
                .help("Health score of each worker and backend, 0 (unusable) to 100 (healthy)")
                .labelNames("scope", "id").callback(cb -> ifPresent(health, h -> {
                    for (HealthScore s : h.scores()) {
                        cb.call(s.score(), s.scope().name().toLowerCase(Locale.ROOT), s.id());
                    }
                })).register(registry);
    }

    private void recording(Supplier<MetricsStore> store) {
        CounterWithCallback.builder().name("webaccel_metrics_records")
                .help("Inference records of the metrics store by what became of them: accepted into the buffer, "
                        + "written to DuckDB, dropped")
                .labelNames("state").callback(cb -> ifPresent(store, s -> {
                    RecordingStatus r = s.status();
                    cb.call(r.accepted(), "accepted");
                    cb.call(r.written(), "written");
                    cb.call(r.dropped(), "dropped");
                })).register(registry);
        GaugeWithCallback.builder().name("webaccel_metrics_records_buffered")
                .help("Inference records waiting to be written").callback(cb -> ifPresent(store,
                        s -> cb.call(s.status().buffered()))).register(registry);
        GaugeWithCallback.builder().name("webaccel_metrics_database_available")
                .help("1 while the DuckDB file is open and writable, else 0").callback(cb -> ifPresent(store,
                        s -> cb.call(s.status().available() ? 1 : 0))).register(registry);
    }

    private static <T> void ifPresent(Supplier<T> service, Consumer<T> read) {
        T s = service.get();
        if (s != null) {
            read.accept(s);
        }
    }

    /** @return the values now */
    MetricSnapshots scrape() {
        return registry.scrape();
    }
}
