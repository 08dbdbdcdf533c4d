package org.webaccel.metrics.internal.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.metrics.Recommendation;
import org.webaccel.api.metrics.RecordingStatus;
import org.webaccel.api.metrics.Summary;
import org.webaccel.api.metrics.Trend;

/**
 * The JSON of the report commands ({@code --json}): field names in camel case, execution providers and
 * enums by their lower-case ids, and {@code null} for a statistic without samples or a value not known (JSON
 * has no NaN). A trend's {@code baselineMedianMs}, {@code recentMedianMs} and {@code slopeMsPerHour} are in its
 * {@code unit}.
 */
final class ReportJson {
    private final ObjectMapper json;

    ReportJson(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode report(int days, Instant since, List<Summary> summaries, List<Recommendation> recommendations,
            RecordingStatus status) {
        ObjectNode root = json.createObjectNode();
        root.put("days", days);
        root.put("since", since.toString());
        ArrayNode s = root.putArray("summaries");
        for (Summary x : summaries) {
            ObjectNode o = s.addObject();
            o.put("model", x.model());
            o.put("version", x.version());
            o.put("backend", x.backend());
            o.put("executionProvider", x.executionProvider().id());
            o.put("count", x.count());
            o.put("failures", x.failures());
            o.put("errorRate", x.errorRate());
            number(o, "meanMs", x.meanMs());
            number(o, "p50Ms", x.p50Ms());
            number(o, "p95Ms", x.p95Ms());
            number(o, "p99Ms", x.p99Ms());
        }
        ArrayNode r = root.putArray("recommendations");
        for (Recommendation x : recommendations) {
            ObjectNode o = r.addObject();
            o.put("modelType", x.modelType().id());
            o.put("backend", x.backend());
            o.put("browserVersion", x.browserVersion());
            o.put("executionProvider", x.executionProvider().id());
            number(o, "confidence", x.confidence());
            o.put("samples", x.samples());
            number(o, "medianMs", x.medianMs());
            number(o, "errorRate", x.errorRate());
            o.put("reason", x.reason());
        }
        ObjectNode rec = root.putObject("recording");
        rec.put("accepted", status.accepted());
        rec.put("written", status.written());
        rec.put("dropped", status.dropped());
        rec.put("buffered", status.buffered());
        rec.put("available", status.available());
        rec.put("database", status.database());
        return root;
    }

    ObjectNode trend(Trend t) {
        ObjectNode o = json.createObjectNode();
        o.put("metric", t.metric().id());
        o.put("unit", t.metric().unit());
        o.put("model", t.model());
        o.put("version", t.version());
        o.put("backend", t.backend());
        o.put("executionProvider", t.executionProvider().id());
        o.put("direction", t.direction().name().toLowerCase(Locale.ROOT));
        o.put("significant", t.significant());
        o.put("severity", t.severity().name().toLowerCase(Locale.ROOT));
        number(o, "percentChange", t.percentChange());
        o.put("baselineCount", t.baselineCount());
        o.put("recentCount", t.recentCount());
        number(o, "baselineMedianMs", t.baselineMedianMs());
        number(o, "recentMedianMs", t.recentMedianMs());
        number(o, "mannWhitneyP", t.mannWhitneyP());
        number(o, "welchP", t.welchP());
        number(o, "slopeMsPerHour", t.slopeMsPerHour());
        number(o, "slopeP", t.slopeP());
        return o;
    }

    ObjectNode record(InferenceRecord r) {
        ObjectNode o = json.createObjectNode();
        o.put("time", r.time().toString());
        o.put("model", r.model());
        o.put("version", r.version());
        o.put("precision", r.precision());
        o.put("modelType", r.modelType().id());
        o.put("backend", r.backend());
        o.put("browserVersion", r.browserVersion());
        o.put("executionProvider", r.executionProvider().id());
        o.put("worker", r.worker());
        o.put("batchSize", r.batchSize());
        o.put("queuedMs", r.queuedMs());
        o.put("transferMs", r.transferMs());
        o.put("computeMs", r.computeMs());
        o.put("totalMs", r.totalMs());
        if (r.failure() == null) {
            o.putNull("failure");
        } else {
            o.put("failure", r.failure());
        }
        o.put("inputBytes", r.inputBytes());
        number(o, "loadMs", r.loadMs());
        if (r.residentBytes() < 0) {
            o.putNull("residentBytes");
        } else {
            o.put("residentBytes", r.residentBytes());
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
