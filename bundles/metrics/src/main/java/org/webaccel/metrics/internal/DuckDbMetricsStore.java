package org.webaccel.metrics.internal;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.metrics.LatencyPoint;
import org.webaccel.api.metrics.Metric;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.metrics.MetricsUnavailableException;
import org.webaccel.api.metrics.RecordingStatus;
import org.webaccel.api.metrics.Recommendation;
import org.webaccel.api.metrics.Summary;
import org.webaccel.api.metrics.Trend;
import org.webaccel.api.model.ModelType;
import org.webaccel.metrics.internal.prometheus.InferenceMetrics;
import org.webaccel.api.model.ModelRef;

/**
 * The {@link MetricsStore} on an embedded DuckDB file: records go through a bounded buffer to a writer
 * thread; queries read the same database through their own connections.
 */
@Component(service = MetricsStore.class, configurationPid = "org.webaccel.metrics")
@Designate(ocd = MetricsConfig.class)
public final class DuckDbMetricsStore implements MetricsStore {
    private static final long MAX_STEPS = 10_000;
    private static final int THROUGHPUT_STEPS = 24;

    private final Settings settings;
    private final InferenceMetrics observations;
    private final Clock clock;
    private final MetricsDatabase database;
    private final RecordWriter writer;
    private final HistoryQueries queries;
    private final TrendSamples samples;
    private final TrendAnalyzer analyzer;
    private final Recommender recommender;

    /**
     * @param config where and how to keep the history
     * @param observations the Prometheus histograms and counters each record also goes to
     */
    @Activate
    public DuckDbMetricsStore(MetricsConfig config, @Reference InferenceMetrics observations) {
        this(Settings.of(config, Settings.home()), Clock.systemUTC(), observations);
    }

    DuckDbMetricsStore(Settings settings, Clock clock) {
        this(settings, clock, new InferenceMetrics());
    }

    DuckDbMetricsStore(Settings settings, Clock clock, InferenceMetrics observations) {
        this.observations = observations;
        this.settings = settings;
        this.clock = clock;
        this.database = new MetricsDatabase(settings.database(), new SchemaMigrations(SchemaMigrations.ALL));
        this.writer = new RecordWriter(database, settings, clock);
        this.queries = new HistoryQueries(database);
        this.samples = new TrendSamples(database);
        this.analyzer = new TrendAnalyzer(settings.thresholds());
        this.recommender = new Recommender(queries, settings.thresholds().minSamples(), settings.maxSamples(),
                settings.maxErrorRate());
        // open now so a bad path is reported at activation; the writer retries if this fails
        database.open();
        writer.start();
    }

    @Override
    public void record(InferenceRecord record) {
        // a queue offer and a few counters: nothing here blocks or throws
        writer.offer(record);
        if (record != null) {
            try {
                observations.observe(record);
            } catch (RuntimeException e) {
                // a label the Prometheus client refuses must not reach the caller, which is the pool
                System.getLogger(DuckDbMetricsStore.class.getName()).log(System.Logger.Level.DEBUG,
                        "not observed: " + e);
            }
        }
    }

    @Override
    public List<Summary> summaries(Duration window) {
        try {
            return queries.summaries(clock.instant().minus(window));
        } catch (SQLException e) {
            throw unavailable("summaries", e);
        }
    }

    @Override
    public Optional<Recommendation> recommend(ModelType type) {
        try {
            return recommender.recommend(type, clock.instant().minus(settings.recommendationWindow()));
        } catch (SQLException e) {
            throw unavailable("recommendation", e);
        }
    }

    @Override
    public List<Trend> trends() {
        return trends(settings.trendRecent(), settings.trendBaseline());
    }

    @Override
    public List<Trend> trends(Duration recent, Duration baseline) {
        return trends(Metric.LATENCY, recent, baseline);
    }

    @Override
    public List<Trend> trends(Metric metric) {
        return trends(metric, settings.trendRecent(), settings.trendBaseline());
    }

    @Override
    public List<Trend> trends(Metric metric, Duration recent, Duration baseline) {
        if (metric == null || recent == null || baseline == null || recent.isNegative() || recent.isZero()
                || baseline.isNegative() || baseline.isZero()) {
            throw new IllegalArgumentException("trends need a metric and positive windows; got " + metric + ", "
                    + recent + " and " + baseline);
        }
        Instant now = clock.instant();
        Instant split = now.minus(recent);
        // throughput: the recent window in THROUGHPUT_STEPS steps, the baseline in steps as long
        Duration step = recent.dividedBy(THROUGHPUT_STEPS).compareTo(Duration.ofSeconds(1)) < 0
                ? Duration.ofSeconds(1) : recent.dividedBy(THROUGHPUT_STEPS);
        Map<SeriesKey, TrendAnalyzer.Series> before;
        Map<SeriesKey, TrendAnalyzer.Series> after;
        try {
            before = samples.samples(metric, split.minus(baseline), split, settings.maxSamples(), step);
            after = samples.samples(metric, split, now.plusMillis(1), settings.maxSamples(), step);
        } catch (SQLException e) {
            throw unavailable(metric.id() + " trends", e);
        }
        List<Trend> out = new ArrayList<>();
        for (Map.Entry<SeriesKey, TrendAnalyzer.Series> e : before.entrySet()) {
            TrendAnalyzer.Series r = after.get(e.getKey());
            if (r == null) {
                continue;
            }
            SeriesKey k = e.getKey();
            TrendAnalyzer.Verdict v = analyzer.analyze(metric, e.getValue(), r);
            out.add(new Trend(k.model(), k.version(), k.backend(), k.executionProvider(), v.direction(),
                    v.baselineCount(), v.recentCount(), v.baselineMedian(), v.recentMedian(), v.percentChange(),
                    v.mannWhitneyP(), v.welchP(), v.slopePerHour(), v.slopeP(), v.severity(), v.significant(),
                    metric));
        }
        return out;
    }

    @Override
    public List<InferenceRecord> history(String model, int limit) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("give a model name, or name:version");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1; got " + limit);
        }
        ModelRef ref = ModelRef.parse(model);
        try {
            // "" asks for every version
            return queries.history(ref.name(), ref.version() == null ? "" : ref.version(), limit);
        } catch (SQLException e) {
            throw unavailable("history", e);
        }
    }

    @Override
    public List<LatencyPoint> timeline(Duration window, Duration step) {
        if (window == null || step == null || window.isNegative() || window.isZero() || step.isNegative()
                || step.toMillis() < 1) {
            throw new IllegalArgumentException("window and step must be positive (step at least 1 ms); got "
                    + window + " and " + step);
        }
        if (window.toMillis() / step.toMillis() > MAX_STEPS) {
            throw new IllegalArgumentException("a window of " + window + " holds more than " + MAX_STEPS
                    + " steps of " + step + "; choose a longer step");
        }
        try {
            return queries.timeline(clock.instant().minus(window), step.toMillis());
        } catch (SQLException e) {
            throw unavailable("timeline", e);
        }
    }

    @Override
    public RecordingStatus status() {
        return new RecordingStatus(writer.accepted(), writer.written(), writer.dropped(), writer.buffered(),
                database.isOpen(), settings.database().toString());
    }

    /** Deletes rows older than the retention period now; the writer also does it hourly. */
    int applyRetention() throws SQLException {
        return writer.deleteOlderThan(clock.instant().minus(Duration.ofDays(settings.retentionDays())));
    }

    /** Writes what is buffered and closes the database. */
    @Deactivate
    public void close() {
        writer.close();
        database.close();
    }

    private MetricsUnavailableException unavailable(String what, SQLException e) {
        return new MetricsUnavailableException("cannot read " + what + " from metrics database "
                + settings.database() + ": " + e.getMessage(), e);
    }
}
