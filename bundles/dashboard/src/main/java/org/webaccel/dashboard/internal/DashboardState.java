package org.webaccel.dashboard.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.ResourcePool;
import org.webaccel.api.WorkerInfo;
import org.webaccel.api.health.BreakerHistory;
import org.webaccel.api.health.BreakerState;
import org.webaccel.api.health.HealthMonitor;
import org.webaccel.api.health.HealthScore;
import org.webaccel.api.metrics.LatencyPoint;
import org.webaccel.api.metrics.Metric;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.metrics.RecordingStatus;
import org.webaccel.api.metrics.Trend;

/**
 * The JSON the page polls: pool counters, backends, workers, breakers and health scores, the latency timeline
 * and the trend verdicts. A service that is not installed gives {@code null} for its part, and a part whose
 * service fails gives an {@code error} text instead, so the page shows what it can.
 */
final class DashboardState {
    /** Trend verdicts read up to a week of history: computed at most this often. */
    static final Duration TREND_CACHE = Duration.ofSeconds(30);

    private final ObjectMapper json;
    private final Clock clock;
    private volatile CachedTrends trends;

    private record CachedTrends(MetricsStore store, Instant at, List<Trend> trends) {
    }

    DashboardState(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    ObjectNode build(StateQuery q, ResourcePool pool, HealthMonitor health, MetricsStore store) {
        ObjectNode root = json.createObjectNode();
        root.put("time", clock.instant().toString());
        if (pool == null) {
            root.putNull("pool");
            root.putNull("backends");
            root.putNull("workers");
        } else {
            // PoolStatus as a whole, through Jackson: a field added to it shows up here unchanged
            root.set("pool", json.valueToTree(pool.status()));
            root.set("backends", backends(pool.backends()));
            root.set("workers", workers(pool.workers()));
        }
        if (health == null) {
            root.putNull("breakers");
            root.putNull("health");
        } else {
            root.set("breakers", breakers(health.breakers(), health.histories()));
            root.set("health", scores(health.scores()));
        }
        if (store == null) {
            root.putNull("timeline");
            root.putNull("trends");
            root.putNull("recording");
        } else {
            root.set("recording", recording(store.status()));
            root.set("timeline", timeline(q, store));
            root.set("trends", trends(store));
        }
        return root;
    }

    private ArrayNode backends(List<BackendStatus> list) {
        ArrayNode a = json.createArrayNode();
        for (BackendStatus b : list) {
            ObjectNode o = a.addObject();
            o.put("name", b.description().name());
            o.put("family", b.description().family());
            o.put("browserVersion", b.description().browserVersion());
            o.put("state", b.state());
            o.put("available", b.available());
            o.put("reason", b.unavailableReason());
            o.put("failedLaunches", b.failedLaunches());
            o.put("browsers", b.browsers());
            o.put("workers", b.workers());
            o.put("draining", b.draining());
            o.put("lastError", b.lastError());
        }
        return a;
    }

    private ArrayNode workers(List<WorkerInfo> list) {
        ArrayNode a = json.createArrayNode();
        for (WorkerInfo w : list) {
            ObjectNode o = a.addObject();
            o.put("id", w.id());
            o.put("backend", w.backend());
            o.put("browser", w.browser());
            o.put("browserPid", w.browserPid());
            o.put("state", w.state());
            o.put("served", w.served());
            ArrayNode models = o.putArray("loadedModels");
            w.loadedModels().forEach(models::add);
        }
        return a;
    }

    private ArrayNode breakers(List<BreakerState> list, List<BreakerHistory> histories) {
        Map<String, BreakerHistory> byKey = histories.stream()
                .collect(Collectors.toMap(h -> h.scope() + "/" + h.id(), Function.identity(), (x, y) -> y));
        ArrayNode a = json.createArrayNode();
        for (BreakerState b : list) {
            ObjectNode o = a.addObject();
            o.put("scope", b.scope().name().toLowerCase(Locale.ROOT));
            o.put("id", b.id());
            o.put("backend", b.backend());
            o.put("phase", phase(b.phase()));
            o.put("consecutiveFailures", b.consecutiveFailures());
            o.put("retryInMs", b.retryIn().toMillis());
            BreakerHistory h = byKey.get(b.scope() + "/" + b.id());
            if (h != null) {
                history(o, h);
            }
        }
        return a;
    }

    /** The breaker's phase changes and counted failures, oldest first, as the monitor keeps them. */
    private void history(ObjectNode o, BreakerHistory h) {
        o.put("phaseSince", h.phaseSince().toString());
        ObjectNode counts = o.putObject("transitionsInto");
        h.transitionsInto().forEach((p, n) -> counts.put(phase(p), n));
        ArrayNode transitions = o.putArray("transitions");
        for (BreakerHistory.Transition t : h.transitions()) {
            ObjectNode n = transitions.addObject();
            n.put("at", t.at().toString());
            n.put("from", phase(t.from()));
            n.put("to", phase(t.to()));
            n.put("cause", t.cause());
        }
        ArrayNode failures = o.putArray("failures");
        for (BreakerHistory.Failure f : h.failures()) {
            ObjectNode n = failures.addObject();
            n.put("at", f.at().toString());
            n.put("kind", f.kind());
            n.put("message", f.message());
        }
    }

    private static String phase(BreakerState.Phase p) {
        return p.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private ArrayNode scores(List<HealthScore> list) {
        ArrayNode a = json.createArrayNode();
        for (HealthScore s : list) {
            ObjectNode o = a.addObject();
            o.put("scope", s.scope().name().toLowerCase(Locale.ROOT));
            o.put("id", s.id());
            o.put("score", s.score());
        }
        return a;
    }

    private ObjectNode recording(RecordingStatus s) {
        ObjectNode o = json.createObjectNode();
        o.put("accepted", s.accepted());
        o.put("written", s.written());
        o.put("dropped", s.dropped());
        o.put("buffered", s.buffered());
        o.put("available", s.available());
        return o;
    }

    private ObjectNode timeline(StateQuery q, MetricsStore store) {
        ObjectNode o = json.createObjectNode();
        o.put("windowMs", q.window().toMillis());
        o.put("stepMs", q.step().toMillis());
        try {
            ArrayNode points = o.putArray("points");
            for (LatencyPoint p : store.timeline(q.window(), q.step())) {
                ObjectNode n = points.addObject();
                n.put("t", p.start().toEpochMilli());
                n.put("model", p.model());
                n.put("backend", p.backend());
                n.put("ep", p.executionProvider().id());
                n.put("count", p.count());
                n.put("failures", p.failures());
                number(n, "p50", p.p50Ms());
                number(n, "p95", p.p95Ms());
            }
        } catch (RuntimeException e) {
            o.remove("points");
            o.put("error", e.getMessage());
        }
        return o;
    }

    private ObjectNode trends(MetricsStore store) {
        ObjectNode o = json.createObjectNode();
        try {
            CachedTrends c = trends;
            Instant now = clock.instant();
            if (c == null || c.store() != store || now.isAfter(c.at().plus(TREND_CACHE))) {
                List<Trend> all = new ArrayList<>();
                for (Metric m : Metric.values()) {
                    all.addAll(store.trends(m));
                }
                c = new CachedTrends(store, now, List.copyOf(all));
                trends = c;
            }
            o.put("computedAt", c.at().toString());
            ArrayNode list = o.putArray("verdicts");
            for (Trend t : c.trends()) {
                ObjectNode n = list.addObject();
                n.put("metric", t.metric().id());
                n.put("unit", t.metric().unit());
                n.put("model", t.model() + ":" + t.version());
                n.put("backend", t.backend());
                n.put("ep", t.executionProvider().id());
                n.put("direction", t.direction().name().toLowerCase(Locale.ROOT));
                n.put("significant", t.significant());
                n.put("severity", t.severity().name().toLowerCase(Locale.ROOT));
                number(n, "percentChange", t.percentChange());
                number(n, "baselineMedianMs", t.baselineMedianMs());
                number(n, "recentMedianMs", t.recentMedianMs());
                n.put("baselineCount", t.baselineCount());
                n.put("recentCount", t.recentCount());
                number(n, "mannWhitneyP", t.mannWhitneyP());
                number(n, "welchP", t.welchP());
            }
        } catch (RuntimeException e) {
            o.put("error", e.getMessage());
        }
        return o;
    }

    /** JSON has no NaN: a statistic without samples is null. */
    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }
}
