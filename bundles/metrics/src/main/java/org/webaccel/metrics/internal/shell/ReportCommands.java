package org.webaccel.metrics.internal.shell;

import static org.webaccel.metrics.internal.shell.Numbers.TIME;
import static org.webaccel.metrics.internal.shell.Numbers.dash;
import static org.webaccel.metrics.internal.shell.Numbers.ms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.metrics.Metric;
import org.webaccel.api.metrics.MetricsStore;
import org.webaccel.api.metrics.Recommendation;
import org.webaccel.api.metrics.Trend;
import org.webaccel.api.model.ModelType;
import org.webaccel.gogo.GogoCommand;

/**
 * {@code pool:report}, {@code pool:trends} and {@code pool:history}: the performance history as tables, or as
 * JSON with {@code --json}; {@code pool:report} also as markdown or a self-contained HTML page, to a file with
 * {@code --out}. Each command returns its text; a bad argument is thrown with what was expected.
 */
@Component(service = Object.class)
@GogoCommand(scope = "pool", function = {"report", "trends", "history"})
public final class ReportCommands {
    static final int MAX_DAYS = 3650;
    static final int MAX_LIMIT = 10_000;
    private static final long PLOT_STEPS = 120;

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
     * @param format {@code text}, {@code markdown}, {@code html} or {@code json}; empty for text (or JSON with
     *        {@code --json})
     * @param asJson the same as {@code --format json}
     * @param out a file to write the report to instead of printing it; empty to print
     * @return the report, or with {@code --out} where it was written and how many bytes
     */
    @Descriptor("latency (mean, p50/p95/p99) and errors per model, backend and execution provider; "
            + "the recommended backend per model type; as text, markdown, html (with latency plots) or json")
    public String report(
            @Descriptor("days back, 1-3650") @Parameter(names = "--days", absentValue = "1") String days,
            @Descriptor("text, markdown, html or json") @Parameter(names = "--format", absentValue = "")
            String format,
            @Descriptor("the same as --format json") @Parameter(names = "--json", presentValue = "true",
                    absentValue = "false") boolean asJson,
            @Descriptor("write the report to this file") @Parameter(names = "--out", absentValue = "") String out) {
        int d = wholeNumber("--days", days, 1, MAX_DAYS);
        ReportFormat f = format(format, asJson);
        ReportFile file = out.isEmpty() ? null : ReportFile.of(out);
        String text = render(f, read(d));
        if (file == null) {
            return text;
        }
        long bytes = file.write(text);
        return "wrote " + f.id() + " report to " + file.path() + " (" + bytes + " bytes)" + System.lineSeparator();
    }

    private static ReportFormat format(String format, boolean asJson) {
        if (format.isEmpty()) {
            return asJson ? ReportFormat.JSON : ReportFormat.TEXT;
        }
        ReportFormat f = ReportFormat.of(format);
        if (asJson && f != ReportFormat.JSON) {
            throw new IllegalArgumentException("--json asks for json but --format asks for " + f.id()
                    + "; give one of them");
        }
        return f;
    }

    private ReportData read(int days) {
        Instant now = clock.instant();
        Duration window = Duration.ofDays(days);
        // about 120 points per plot, in whole minutes
        Duration step = Duration.ofMinutes(Math.max(1, (window.toMinutes() + PLOT_STEPS - 1) / PLOT_STEPS));
        List<Recommendation> recommendations = new ArrayList<>();
        for (ModelType t : ModelType.values()) {
            store.recommend(t).ifPresent(recommendations::add);
        }
        return new ReportData(days, now.minus(window), now, step, store.summaries(window), recommendations,
                store.timeline(window, step), store.status());
    }

    private String render(ReportFormat format, ReportData data) {
        return switch (format) {
            case TEXT -> new TextReport().render(data);
            case MARKDOWN -> new MarkdownReport().render(data);
            case HTML -> new HtmlReport().render(data);
            case JSON -> write(shape.report(data.days(), data.since(), data.summaries(), data.recommendations(),
                    data.status()));
        };
    }

    /**
     * @param metric {@code latency}, {@code throughput}, {@code errors}, {@code memory}, {@code loading} or
     *        {@code all}
     * @param asJson print JSON instead of a table
     * @return the trend verdict of every series with samples of the metric in both the baseline and the recent
     *         window
     */
    @Descriptor("trends of latency, throughput, errors, memory and loading time: recent window against the "
            + "baseline before it (Mann-Whitney U and Welch's t)")
    public String trends(
            @Descriptor("latency, throughput, errors, memory, loading or all") @Parameter(names = "--metric",
                    absentValue = "all") String metric,
            @Descriptor("print JSON") @Parameter(names = "--json", presentValue = "true", absentValue = "false")
            boolean asJson) {
        List<Metric> metrics = metrics(metric);
        List<Trend> trends = new ArrayList<>();
        metrics.forEach(m -> trends.addAll(store.trends(m)));
        if (asJson) {
            ArrayNode a = json.createArrayNode();
            trends.forEach(t -> a.add(shape.trend(t)));
            return write(a);
        }
        if (trends.isEmpty()) {
            return "no trends: no model has samples of " + (metrics.size() == 1 ? metrics.get(0).id() : "any metric")
                    + " in both the baseline and the recent window" + System.lineSeparator();
        }
        return new TrendTable().render(trends);
    }

    private static List<Metric> metrics(String metric) {
        if (metric.trim().equalsIgnoreCase("all")) {
            return List.of(Metric.values());
        }
        try {
            return List.of(Metric.of(metric));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --metric '" + metric + "'; expected one of latency, "
                    + "throughput, errors, memory, loading, all");
        }
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
                ">QUEUED ms", ">TRANSFER ms", ">COMPUTE ms", ">TOTAL ms", ">LOAD ms", ">MEMORY MiB", "RESULT");
        for (InferenceRecord r : records) {
            table.row(TIME.format(r.time()), r.model() + ":" + r.version(), r.precision(), dash(r.backend()),
                    r.executionProvider().id(), dash(r.worker()), r.batchSize(), ms(r.queuedMs()),
                    ms(r.transferMs()), ms(r.computeMs()), ms(r.totalMs()), ms(r.loadMs()),
                    r.residentBytes() < 0 ? "-" : Long.toString(r.residentBytes() >> 20),
                    r.succeeded() ? "ok" : r.failure());
        }
        return table.toString();
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
}
