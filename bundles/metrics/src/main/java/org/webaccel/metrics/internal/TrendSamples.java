package org.webaccel.metrics.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.Metric;

/**
 * The samples of one window that a trend test compares, per series, for each {@link Metric}: one value per
 * inference for latency, errors, memory and loading time; one rate per step of the window (with records) for
 * throughput.
 */
final class TrendSamples {

    // one value per record: the latest `limit` per series; the value and which rows count depend on the metric
    private static final String PER_RECORD = "SELECT model, model_version, backend, execution_provider, t, v"
            + " FROM (SELECT model, model_version, backend, execution_provider, epoch_ms(ts) AS t, %s AS v,"
            + "   row_number() OVER (PARTITION BY model, model_version, backend, execution_provider"
            + "   ORDER BY ts DESC) AS rn"
            + "   FROM inference WHERE %s AND ts >= epoch_ms(?) AND ts < epoch_ms(?))"
            + " WHERE rn <= ? ORDER BY t";

    private static final String THROUGHPUT = "SELECT model, model_version, backend, execution_provider,"
            + " (epoch_ms(ts) - ?) // ? AS b, count(*) FILTER (WHERE failure IS NULL)"
            + " FROM inference WHERE ts >= epoch_ms(?) AND ts < epoch_ms(?)"
            + " GROUP BY model, model_version, backend, execution_provider, b";

    private static final Map<Metric, String> SQL = Map.of(
            Metric.LATENCY, String.format(PER_RECORD, "total_ms", "failure IS NULL"),
            Metric.ERRORS, String.format(PER_RECORD, "CASE WHEN failure IS NULL THEN 0.0 ELSE 100.0 END", "TRUE"),
            Metric.MEMORY, String.format(PER_RECORD, "resident_bytes / 1048576.0", "resident_bytes >= 0"),
            Metric.LOADING, String.format(PER_RECORD, "load_ms", "failure IS NULL AND load_ms > 0"));

    private final MetricsDatabase database;

    TrendSamples(MetricsDatabase database) {
        this.database = database;
    }

    /**
     * @param metric what to sample
     * @param from the start of the window
     * @param to the end of the window, exclusive
     * @param limit the most samples per series (the latest); per-record metrics only
     * @param step the length of one step of a throughput window
     * @return the samples per series that has any, oldest first
     */
    Map<SeriesKey, TrendAnalyzer.Series> samples(Metric metric, Instant from, Instant to, int limit, Duration step)
            throws SQLException {
        return metric == Metric.THROUGHPUT ? throughput(from, to, step) : perRecord(SQL.get(metric), from, to, limit);
    }

    private Map<SeriesKey, TrendAnalyzer.Series> perRecord(String sql, Instant from, Instant to, int limit)
            throws SQLException {
        Map<SeriesKey, List<double[]>> rows = new TreeMap<>();
        try (Connection c = database.forQuery(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, from.toEpochMilli());
            p.setLong(2, to.toEpochMilli());
            p.setInt(3, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    rows.computeIfAbsent(key(r), x -> new ArrayList<>())
                            .add(new double[] {r.getLong(5), r.getDouble(6)});
                }
            }
        }
        Map<SeriesKey, TrendAnalyzer.Series> out = new TreeMap<>();
        rows.forEach((k, list) -> {
            long[] t = new long[list.size()];
            double[] v = new double[list.size()];
            for (int i = 0; i < t.length; i++) {
                t[i] = (long) list.get(i)[0];
                v[i] = list.get(i)[1];
            }
            out.put(k, new TrendAnalyzer.Series(t, v));
        });
        return out;
    }

    /**
     * Successful inferences per second in each step of the window that has any record of the series. A step
     * without one is left out rather than counted as 0: the series was not asked for then (no demand, or the
     * container was not running), which says nothing about how fast it served, and zeros from such gaps would
     * call trends that are not there. The last step of a window ends at the window's end.
     */
    private Map<SeriesKey, TrendAnalyzer.Series> throughput(Instant from, Instant to, Duration step)
            throws SQLException {
        long stepMs = Math.max(1, step.toMillis());
        long span = to.toEpochMilli() - from.toEpochMilli();
        int steps = (int) Math.max(1, span / stepMs);
        Map<SeriesKey, TreeMap<Integer, Long>> counts = new TreeMap<>();
        try (Connection c = database.forQuery(); PreparedStatement p = c.prepareStatement(THROUGHPUT)) {
            p.setLong(1, from.toEpochMilli());
            p.setLong(2, stepMs);
            p.setLong(3, from.toEpochMilli());
            p.setLong(4, to.toEpochMilli());
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    // a last step shorter than the others is folded into the one before it
                    int b = (int) Math.min(steps - 1, r.getLong(5));
                    counts.computeIfAbsent(key(r), x -> new TreeMap<>()).merge(b, r.getLong(6), Long::sum);
                }
            }
        }
        Map<SeriesKey, TrendAnalyzer.Series> out = new TreeMap<>();
        counts.forEach((k, perStep) -> {
            long[] t = new long[perStep.size()];
            double[] v = new double[perStep.size()];
            int i = 0;
            for (Map.Entry<Integer, Long> e : perStep.entrySet()) {
                int b = e.getKey();
                t[i] = from.toEpochMilli() + b * stepMs;
                long length = b == steps - 1 ? span - b * stepMs : stepMs;
                v[i] = e.getValue() * 1000.0 / length;
                i++;
            }
            out.put(k, new TrendAnalyzer.Series(t, v));
        });
        return out;
    }

    private static SeriesKey key(ResultSet r) throws SQLException {
        return new SeriesKey(r.getString(1), r.getString(2), r.getString(3), ExecutionProvider.of(r.getString(4)));
    }
}
