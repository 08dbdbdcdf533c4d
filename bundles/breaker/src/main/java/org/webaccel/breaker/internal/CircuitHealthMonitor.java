package org.webaccel.breaker.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import org.webaccel.api.health.BreakerHistory;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.FailureClass;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.health.HealthScore;
import org.webaccel.api.health.Scope;

/**
 * The health monitor itself, free of OSGi: a {@link SubjectBreaker} and a {@link HealthTracker} per worker and
 * per backend, created on first report. See {@link HealthFormula} for the score.
 */
final class CircuitHealthMonitor implements HealthMonitor {

    private final Settings settings;
    private final Function<String, String> familyOf;
    private final Clock clock;
    private final LatencyBaselines baselines = new LatencyBaselines();
    private final ConcurrentMap<String, Subject> workers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Subject> backends = new ConcurrentHashMap<>();
    /** Makes a worker's and its backend's permits one decision, so a refused pair never leaks a trial. */
    private final Object admission = new Object();

    /**
     * @param settings thresholds and health scales
     * @param familyOf the browser family of a backend name, or null when not known (the name is used then)
     * @param clock the time for connection-drop windows and of the breakers' history
     */
    CircuitHealthMonitor(Settings settings, Function<String, String> familyOf, Clock clock) {
        this.settings = settings;
        this.familyOf = familyOf;
        this.clock = clock;
    }

    private record Subject(String backend, Thresholds thresholds, SubjectBreaker breaker, HealthTracker health) {
    }

    private Thresholds thresholdsFor(String backend, String family) {
        Thresholds byName = settings.families().get(backend);
        return byName != null ? byName : settings.thresholds(family);
    }

    private String family(String backend) {
        String family = familyOf.apply(backend);
        return family == null ? backend : family;
    }

    private Subject backend(String backend) {
        Objects.requireNonNull(backend, "backend");
        return backends.computeIfAbsent(backend, b -> {
            String family = family(b);
            Thresholds t = thresholdsFor(b, family);
            return new Subject(b, t, new SubjectBreaker(Scope.BACKEND, b, b, family, t.backendConsecutiveFailures(),
                    t.failureRatePercent(), t.backendFailureRateWindow(), t, journal()),
                    new HealthTracker(t.backendFailureRateWindow()));
        });
    }

    private Subject worker(String workerId, String backend) {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(backend, "backend");
        return workers.computeIfAbsent(workerId, w -> {
            String family = family(backend);
            Thresholds t = thresholdsFor(backend, family);
            return new Subject(backend, t, new SubjectBreaker(Scope.WORKER, w, backend, family,
                    t.consecutiveFailures(), t.failureRatePercent(), t.failureRateWindow(), t, journal()),
                    new HealthTracker(t.failureRateWindow()));
        });
    }

    private BreakerJournal journal() {
        return new BreakerJournal(clock, settings.historyTransitions(), settings.historyFailures());
    }

    @Override
    public void recordSuccess(String workerId, String backend, String model, Duration latency) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(latency, "latency");
        double ratio = baselines.ratioThenUpdate(model, latency);
        for (Subject s : List.of(worker(workerId, backend), backend(backend))) {
            s.breaker().success(latency);
            s.health().success(ratio);
        }
    }

    @Override
    public void recordFailure(String workerId, String backend, FailureClass failureClass) {
        recordFailure(workerId, backend, failureClass, null);
    }

    @Override
    public void recordFailure(String workerId, String backend, FailureClass failureClass, String detail) {
        Objects.requireNonNull(failureClass, "failureClass");
        if (!failureClass.countsAgainstWorker()) {
            return;
        }
        Subject w = worker(workerId, backend);
        w.breaker().failure(failureClass, detail);
        w.health().failure();
        // the backend's history is of all its workers: say which one failed
        Subject b = backend(backend);
        b.breaker().failure(failureClass, "worker " + workerId + (detail == null ? "" : ": " + detail));
        b.health().failure();
    }

    @Override
    public void recordConnectionDrop(String workerId, String backend) {
        var now = clock.instant();
        worker(workerId, backend).health().drop(now);
        backend(backend).health().drop(now);
    }

    @Override
    public void recordMemory(String workerId, String backend, long residentBytes) {
        worker(workerId, backend).health().memory(residentBytes);
        backend(backend);
    }

    @Override
    public boolean allows(String workerId, String backend) {
        SubjectBreaker w = worker(workerId, backend).breaker();
        SubjectBreaker b = backend(backend).breaker();
        synchronized (admission) {
            if (w.refusesNow() || b.refusesNow()) {
                return false;
            }
            if (!w.tryAcquire()) {
                return false;
            }
            if (b.tryAcquire()) {
                return true;
            }
            w.returnTrial();
            return false;
        }
    }

    @Override
    public Optional<BreakerState> workerBreaker(String workerId) {
        return Optional.ofNullable(workers.get(workerId)).map(s -> s.breaker().state());
    }

    @Override
    public Optional<BreakerState> backendBreaker(String backend) {
        return Optional.ofNullable(backends.get(backend)).map(s -> s.breaker().state());
    }

    @Override
    public Optional<BreakerHistory> workerHistory(String workerId) {
        return Optional.ofNullable(workers.get(workerId)).map(s -> s.breaker().history());
    }

    @Override
    public Optional<BreakerHistory> backendHistory(String backend) {
        return Optional.ofNullable(backends.get(backend)).map(s -> s.breaker().history());
    }

    @Override
    public Optional<HealthScore> workerHealth(String workerId) {
        return Optional.ofNullable(workers.get(workerId)).map(s -> score(Scope.WORKER, workerId, s));
    }

    @Override
    public Optional<HealthScore> backendHealth(String backend) {
        return Optional.ofNullable(backends.get(backend)).map(s -> score(Scope.BACKEND, backend, s));
    }

    private HealthScore score(Scope scope, String id, Subject s) {
        HealthTracker.Measurements m = s.health().measure(clock.instant(), settings.dropWindow());
        int threshold = s.thresholds().consecutiveFailures();
        if (scope == Scope.BACKEND) {
            threshold = s.thresholds().backendConsecutiveFailures();
            // memory belongs to browsers, so a backend is as pressed as its most loaded worker
            long highest = workers.values().stream().filter(w -> w.backend().equals(id))
                    .mapToLong(w -> w.health().memoryBytes()).max().orElse(0);
            m = m.withMemory(highest);
        }
        return HealthFormula.score(scope, id, m, threshold, settings.memoryLowBytes(), settings.memoryHighBytes());
    }

    @Override
    public List<BreakerState> breakers() {
        List<BreakerState> all = new ArrayList<>();
        backends.values().forEach(s -> all.add(s.breaker().state()));
        workers.values().forEach(s -> all.add(s.breaker().state()));
        all.sort(Comparator.comparing(BreakerState::scope, Comparator.reverseOrder())
                .thenComparing(BreakerState::id));
        return all;
    }

    @Override
    public List<BreakerHistory> histories() {
        List<BreakerHistory> all = new ArrayList<>();
        backends.values().forEach(s -> all.add(s.breaker().history()));
        workers.values().forEach(s -> all.add(s.breaker().history()));
        all.sort(Comparator.comparing(BreakerHistory::scope, Comparator.reverseOrder())
                .thenComparing(BreakerHistory::id));
        return all;
    }

    @Override
    public List<HealthScore> scores() {
        List<HealthScore> all = new ArrayList<>();
        backends.forEach((id, s) -> all.add(score(Scope.BACKEND, id, s)));
        workers.forEach((id, s) -> all.add(score(Scope.WORKER, id, s)));
        all.sort(Comparator.comparing(HealthScore::scope, Comparator.reverseOrder())
                .thenComparing(HealthScore::id));
        return all;
    }

    @Override
    public void forget(String workerId) {
        workers.remove(workerId);
    }
}
