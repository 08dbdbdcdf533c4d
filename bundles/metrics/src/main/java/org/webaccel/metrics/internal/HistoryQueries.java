package org.webaccel.metrics.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.metrics.LatencyPoint;
import org.webaccel.api.metrics.Summary;
import org.webaccel.api.model.ModelType;

/** The SQL the store answers from; every value from outside is a bound parameter. */
final class HistoryQueries {

    /** One backend and execution provider's record for a model type, for recommendations. */
    record Candidate(String backend, ExecutionProvider executionProvider, String browserVersion, long count,
            long failures, double medianMs) {
        double errorRate() {
            return count == 0 ? 0 : (double) failures / count;
        }

        long successes() {
            return count - failures;
        }
    }

    private static final String SUMMARIES = "SELECT model, model_version, backend, execution_provider,"
            + " count(*), count(*) FILTER (WHERE failure IS NOT NULL),"
            + " avg(total_ms) FILTER (WHERE failure IS NULL),"
            + " quantile_cont(total_ms, 0.5) FILTER (WHERE failure IS NULL),"
            + " quantile_cont(total_ms, 0.95) FILTER (WHERE failure IS NULL),"
            + " quantile_cont(total_ms, 0.99) FILTER (WHERE failure IS NULL)"
            + " FROM inference WHERE ts >= epoch_ms(?)"
            + " GROUP BY model, model_version, backend, execution_provider"
            + " ORDER BY model, model_version, backend, execution_provider";

    private static final String CANDIDATES = "SELECT backend, execution_provider, mode(browser_version),"
            + " count(*), count(*) FILTER (WHERE failure IS NOT NULL),"
            + " quantile_cont(total_ms, 0.5) FILTER (WHERE failure IS NULL)"
            + " FROM inference WHERE model_type = ? AND ts >= epoch_ms(?)"
            + " GROUP BY backend, execution_provider";

    private static final String CANDIDATE_SAMPLES = "SELECT total_ms FROM inference"
            + " WHERE model_type = ? AND backend = ? AND execution_provider = ? AND failure IS NULL"
            + " AND ts >= epoch_ms(?) ORDER BY ts DESC LIMIT ?";

    private static final String HISTORY = "SELECT epoch_ms(ts), model, model_version, model_type, backend,"
            + " browser_version, execution_provider, worker, batch_size, queued_ms, transfer_ms, compute_ms, total_ms,"
            + " failure, input_bytes, precision, load_ms, coalesce(resident_bytes, -1) FROM inference"
            + " WHERE model = ? AND (? = '' OR model_version = ?) ORDER BY ts DESC LIMIT ?";

    // steps are aligned to multiples of their length since the epoch, so a chart polled again keeps its points
    private static final String TIMELINE = "SELECT b * ?, model, backend, execution_provider,"
            + " count(*), count(*) FILTER (WHERE failure IS NOT NULL),"
            + " quantile_cont(total_ms, 0.5) FILTER (WHERE failure IS NULL),"
            + " quantile_cont(total_ms, 0.95) FILTER (WHERE failure IS NULL)"
            + " FROM (SELECT epoch_ms(ts) // ? AS b, model, backend, execution_provider, failure, total_ms"
            + "   FROM inference WHERE ts >= epoch_ms(?))"
            + " GROUP BY b, model, backend, execution_provider ORDER BY b, model, backend, execution_provider";

    private final MetricsDatabase database;

    HistoryQueries(MetricsDatabase database) {
        this.database = database;
    }

    List<Summary> summaries(Instant since) throws SQLException {
        try (Connection c = database.forQuery(); PreparedStatement p = c.prepareStatement(SUMMARIES)) {
            p.setLong(1, since.toEpochMilli());
            List<Summary> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Summary(r.getString(1), r.getString(2), r.getString(3),
                            ExecutionProvider.of(r.getString(4)), r.getLong(5), r.getLong(6), nan(r, 7), nan(r, 8),
                            nan(r, 9), nan(r, 10)));
                }
            }
            return out;
        }
    }

    List<Candidate> candidates(ModelType type, Instant since) throws SQLException {
        try (Connection c = database.forQuery(); PreparedStatement p = c.prepareStatement(CANDIDATES)) {
            p.setString(1, type.id());
            p.setLong(2, since.toEpochMilli());
            List<Candidate> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Candidate(r.getString(1), ExecutionProvider.of(r.getString(2)), r.getString(3),
                            r.getLong(4), r.getLong(5), nan(r, 6)));
                }
            }
            return out;
        }
    }

    double[] candidateSamples(ModelType type, Candidate candidate, Instant since, int limit) throws SQLException {
        try (Connection c = database.forQuery(); PreparedStatement p = c.prepareStatement(CANDIDATE_SAMPLES)) {
            p.setString(1, type.id());
            p.setString(2, candidate.backend());
            p.setString(3, candidate.executionProvider().id());
            p.setLong(4, since.toEpochMilli());
            p.setInt(5, limit);
            List<Double> values = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    values.add(r.getDouble(1));
                }
            }
            double[] out = new double[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = values.get(i);
            }
            return out;
        }
    }

    /**
     * @param model a model name
     * @param version a version, or {@code ""} for every version
     * @return the latest {@code limit} records, newest first
     */
    List<InferenceRecord> history(String model, String version, int limit) throws SQLException {
        try (Connection c = database.forQuery(); PreparedStatement p = c.prepareStatement(HISTORY)) {
            p.setString(1, model);
            p.setString(2, version);
            p.setString(3, version);
            p.setInt(4, limit);
            List<InferenceRecord> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new InferenceRecord(Instant.ofEpochMilli(r.getLong(1)), r.getString(2), r.getString(3),
                            ModelType.of(r.getString(4)), r.getString(5), r.getString(6),
                            ExecutionProvider.of(r.getString(7)), r.getString(8), r.getInt(9), r.getDouble(10),
                            r.getDouble(11), r.getDouble(12), r.getDouble(13), r.getString(14), r.getLong(15),
                            r.getString(16), nan(r, 17), r.getLong(18)));
                }
            }
            return out;
        }
    }

    /** @return one point per step of {@code stepMillis} and series with records since {@code since} */
    List<LatencyPoint> timeline(Instant since, long stepMillis) throws SQLException {
        try (Connection c = database.forQuery(); PreparedStatement p = c.prepareStatement(TIMELINE)) {
            p.setLong(1, stepMillis);
            p.setLong(2, stepMillis);
            p.setLong(3, since.toEpochMilli());
            List<LatencyPoint> out = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new LatencyPoint(Instant.ofEpochMilli(r.getLong(1)), r.getString(2), r.getString(3),
                            ExecutionProvider.of(r.getString(4)), r.getLong(5), r.getLong(6), nan(r, 7), nan(r, 8)));
                }
            }
            return out;
        }
    }

    static double nan(ResultSet r, int column) throws SQLException {
        Object o = r.getObject(column);
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }
}
