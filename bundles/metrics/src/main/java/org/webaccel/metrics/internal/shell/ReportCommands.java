package org.webaccel.metrics.internal.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.metrics.Recommendation;
import org.webaccel.api.metrics.RecordingStatus;
import org.webaccel.api.metrics.Summary;
import org.webaccel.api.metrics.Trend;
import org.webaccel.api.model.ModelType;
import org.webaccel.gogo.GogoCommand;

/**
 * {@code pool:report}, {@code pool:trends} and {@code pool:history}: the performance history as tables, or as
 * JSON with {@code --json}. Each command returns its text; a bad argument is thrown with what was expected.
 */
@Component(service = Object.class)
@GogoCommand(scope = "pool", function = {"report", "trends", "history"})
public final class ReportCommands {
    static final int MAX_DAYS = 3650;
    static final int MAX_LIMIT = 10_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final MetricsStore store;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final ReportJson shape = new ReportJson(json);

    /** @param store the performance history */
    @Activate
    public ReportCommands(@Reference MetricsStore store) {
        this(store, Clock.systemUTC());
    }

    /**
     * @param store the performance history
     * @param clock the clock the report window is measured on
     */
    public ReportCommands(MetricsStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * @param days how many days back, 1 to 3650
     * @param asJson print JSON instead of tables
     * @return latency and errors per model, backend and execution provider, the recommendation per model type,
     *         and the recording counters
     */
    @Descriptor("latency (mean, p50/p95/p99) and errors per model, backend and execution provider; "
            + "the recommended backend per model type")
    public String report(
            @Descriptor("days back, 1-3650") @Parameter(names = "--days", absentValue = "1") String days,
            @Descriptor("print JSON") @Parameter(names = "--json", presentValue = "true", absentValue = "false")
            boolean asJson) {
        int d = wholeNumber("--days", days, 1, MAX_DAYS);
        Instant since = clock.instant().minus(Duration.ofDays(d));
        List<Summary> summaries = store.summaries(Duration.ofDays(d));
        List<Recommendation> recommendations = new ArrayList<>();
        for (ModelType t : ModelType.values()) {
            store.recommend(t).ifPresent(recommendations::add);
        }
        RecordingStatus status = store.status();
        return asJson ? write(shape.report(d, since, summaries, recommendations, status))
                : reportText(d, since, summaries, recommendations, status);
    }

    /**
     * @param asJson print JSON instead of a table
     * @return the trend verdict of every series with samples in both the baseline and the recent window
     */
    @Descriptor("latency trends: recent window against the baseline before it (Mann-Whitney U and Welch's t)")
    public String trends(
            @Descriptor("print JSON") @Parameter(names = "--json", presentValue = "true", absentValue = "false")
            boolean asJson) {
        List<Trend> trends = store.trends();
        if (asJson) {
            ArrayNode a = json.createArrayNode();
            trends.forEach(t -> a.add(shape.trend(t)));
            return write(a);
        }
        if (trends.isEmpty()) {
            return "no trends: no model has successful samples in both the baseline and the recent window"
                    + System.lineSeparator();
        }
        TextTable table = new TextTable("MODEL", "BACKEND", "EP", "VERDICT", "SEVERITY", ">CHANGE", ">BASELINE p50",
                ">RECENT p50", ">SAMPLES", ">p MANN-WHITNEY", ">p WELCH", ">SLOPE ms/h");
        for (Trend t : trends) {
            table.row(t.model() + ":" + t.version(), t.backend(), t.executionProvider().id(),
                    t.direction().name().toLowerCase(Locale.ROOT) + (t.significant() ? "" : " (not significant)"),
                    t.severity().name().toLowerCase(Locale.ROOT), percent(t.percentChange()),
                    ms(t.baselineMedianMs()), ms(t.recentMedianMs()), t.baselineCount() + "/" + t.recentCount(),
                    p(t.mannWhitneyP()), p(t.welchP()), num(t.slopeMsPerHour()));
        }
        return table.toString();
    }

    /** Without a model: says how to call it. */
    @Descriptor("the latest inference records of a model")
    public String history() {
        throw new IllegalArgumentException("give a model: pool:history MODEL [--limit N] [--json]"
                + " (MODEL is name or name:version)");
    }

    /**
     * @param limit the most records, 1 to 10000
     * @param asJson print JSON instead of a table
     * @param model {@code name} or {@code name:version}
     * @return the model's latest records, newest first
     */
    @Descriptor("the latest inference records of a model, newest first")
    public String history(
            @Descriptor("most records, 1-10000") @Parameter(names = "--limit", absentValue = "20") String limit,
            @Descriptor("print JSON") @Parameter(names = "--json", presentValue = "true", absentValue = "false")
            boolean asJson,
            @Descriptor("name or name:version") String model) {
        int n = wholeNumber("--limit", limit, 1, MAX_LIMIT);
        if (model.isBlank() || model.startsWith("-")) {
            throw new IllegalArgumentException("unknown option or empty model '" + model
                    + "'; usage: pool:history MODEL [--limit N] [--json]");
        }
        List<InferenceRecord> records = store.history(model, n);
        if (asJson) {
            ArrayNode a = json.createArrayNode();
            records.forEach(r -> a.add(shape.record(r)));
            return write(a);
        }
        if (records.isEmpty()) {
            return "no records of model '" + model + "' in " + store.status().database() + System.lineSeparator();
        }
        TextTable table = new TextTable("TIME (UTC)", "MODEL", "PRECISION", "BACKEND", "EP", "WORKER", ">BATCH",
                ">QUEUED ms", ">TRANSFER ms", ">COMPUTE ms", ">TOTAL ms", "RESULT");
        for (InferenceRecord r : records) {
            table.row(TIME.format(r.time()), r.model() + ":" + r.version(), r.precision(), dash(r.backend()),
                    r.executionProvider().id(), dash(r.worker()), r.batchSize(), ms(r.queuedMs()),
                    ms(r.transferMs()), ms(r.computeMs()), ms(r.totalMs()), r.succeeded() ? "ok" : r.failure());
        }
        return table.toString();
    }

    private String reportText(int days, Instant since, List<Summary> summaries, List<Recommendation> recommendations,
            RecordingStatus status) {
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder();
        out.append("performance over the last ").append(days).append(days == 1 ? " day" : " days").append(" (since ")
                .append(SECONDS.format(since)).append(" UTC)").append(nl);
        if (summaries.isEmpty()) {
            out.append("no inferences recorded in this window").append(nl);
        } else {
            TextTable table = new TextTable("MODEL", "BACKEND", "EP", ">COUNT", ">ERRORS", ">MEAN ms", ">P50 ms",
                    ">P95 ms", ">P99 ms");
            for (Summary s : summaries) {
                table.row(s.model() + ":" + s.version(), dash(s.backend()), s.executionProvider().id(), s.count(),
                        String.format(Locale.ROOT, "%.1f %%", 100 * s.errorRate()), ms(s.meanMs()), ms(s.p50Ms()),
                        ms(s.p95Ms()), ms(s.p99Ms()));
            }
            out.append(table);
        }
        out.append(nl).append("recommended backend per model type").append(nl);
        if (recommendations.isEmpty()) {
            out.append("none yet: no candidate has enough successful samples").append(nl);
        } else {
            TextTable table = new TextTable("TYPE", "BACKEND", "EP", ">CONFIDENCE", ">SAMPLES", ">P50 ms", "WHY");
            for (Recommendation r : recommendations) {
                table.row(r.modelType().id(), r.backend(), r.executionProvider().id(),
                        String.format(Locale.ROOT, "%.2f", r.confidence()), r.samples(), ms(r.medianMs()), r.reason());
            }
            out.append(table);
        }
        out.append(nl).append(String.format(Locale.ROOT,
                "recording: accepted %d, written %d, dropped %d, buffered %d; database %s (%s)%n", status.accepted(),
                status.written(), status.dropped(), status.buffered(), status.database(),
                status.available() ? "open" : "unavailable"));
        return out.toString();
    }

    private String write(Object tree) {
        try {
            return json.writeValueAsString(tree) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of strings and numbers failed to serialise", e);
        }
    }

    static int wholeNumber(String option, String text, int min, int max) {
        int v;
        try {
            v = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " expects a whole number from " + min + " to " + max
                    + "; got '" + text + "'");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(option + " must be from " + min + " to " + max + "; got " + v);
        }
        return v;
    }

    private static String ms(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "-";
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }

    private static String percent(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.1f %%", v) : "-";
    }

    private static String p(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2g", v) : "-";
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
