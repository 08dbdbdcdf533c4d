package org.webaccel.scheduler.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.scheduling.Score;

/** The text of {@code pool:explain}: one line per candidate, in the order the policy ranked them. */
final class ExplainReport {
    private ExplainReport() {
    }

    /**
     * @param model the model asked about
     * @param requested the provider asked for, or AUTO
     * @param scores the policy's answer
     * @param states each worker's state (idle, busy) by worker id
     * @return the report
     */
    static String format(ModelDescriptor model, ExecutionProvider requested, List<Score> scores,
            Map<String, String> states) {
        return format(model, requested, null, scores, states);
    }

    /**
     * The report for a request that chose its backend: the pool considers only the workers a required choice
     * matches, and the workers a preferred choice matches before any other; the rows follow that order.
     *
     * @param choice the request's backend choice, or null for any backend
     */
    static String format(ModelDescriptor model, ExecutionProvider requested, BackendChoice choice, List<Score> scores,
            Map<String, String> states) {
        List<Score> ordered = new ArrayList<>(scores);
        ordered.sort(Comparator.comparingInt(s -> tier(s, choice)));
        StringBuilder out = new StringBuilder();
        long eligible = ordered.stream().filter(s -> tier(s, choice) < EXCLUDED).count();
        out.append(String.format(Locale.ROOT, "model %s (%s), provider %s%s: %d candidates, %d eligible", model.id(),
                model.type().id(), requested.id(), choice == null ? "" : ", backend " + choice, ordered.size(),
                eligible));
        if (eligible > 0) {
            var best = ordered.get(0).candidate();
            out.append("; best ").append(best.workerId()).append(" on ").append(best.executionProvider().id());
        }
        out.append('\n');
        if (ordered.isEmpty()) {
            return out.append("no connected worker: nothing to place on\n").toString();
        }
        if (requested != ExecutionProvider.AUTO
                && ordered.stream().noneMatch(s -> s.candidate().executionProvider() == requested)) {
            out.append("no connected page supports ").append(requested.id()).append('\n');
        }
        if (choice != null && ordered.stream().noneMatch(s -> choice.matches(s.candidate().backend(),
                s.candidate().family()))) {
            out.append("no connected worker of backend ").append(choice.target()).append('\n');
        }
        Set<String> partNames = new LinkedHashSet<>();
        scores.forEach(s -> partNames.addAll(s.parts().keySet()));

        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("RANK", "WORKER", "BACKEND", "EP", "STATE", "ELIGIBLE",
                "TOTAL"));
        partNames.forEach(p -> header.add(p.toUpperCase(Locale.ROOT)));
        rows.add(header.toArray(String[]::new));
        int rank = 0;
        for (Score s : ordered) {
            int tier = tier(s, choice);
            List<String> row = new ArrayList<>();
            row.add(tier < EXCLUDED ? Integer.toString(++rank) : "-");
            row.add(s.candidate().workerId());
            row.add(s.candidate().backend());
            row.add(s.candidate().executionProvider().id());
            row.add(states.getOrDefault(s.candidate().workerId(), "?"));
            row.add(!s.eligible() ? "no: " + s.reason()
                    : tier == EXCLUDED ? "no: requires backend " + choice.target()
                    : tier == FALLBACK ? "yes, if no " + choice.target() + " worker is free" : "yes");
            row.add(tier < EXCLUDED ? points(s.total()) : "-");
            for (String p : partNames) {
                Double v = s.parts().get(p);
                row.add(v == null ? "-" : points(v));
            }
            rows.add(row.toArray(String[]::new));
        }
        int[] widths = new int[header.size()];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                // text columns left-aligned, numbers right-aligned
                String cell = i < 6 ? pad(row[i], widths[i], false) : pad(row[i], widths[i], true);
                line.append(i == 0 ? "" : "  ").append(cell);
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static final int FALLBACK = 1;
    private static final int EXCLUDED = 2;

    /** 0: eligible and chosen (or no choice); {@link #FALLBACK}: eligible, not preferred; {@link #EXCLUDED}. */
    private static int tier(Score s, BackendChoice choice) {
        if (!s.eligible()) {
            return EXCLUDED;
        }
        if (choice == null || choice.matches(s.candidate().backend(), s.candidate().family())) {
            return 0;
        }
        return choice.required() ? EXCLUDED : FALLBACK;
    }

    private static String points(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(width - s.length());
        return right ? fill + s : s + fill;
    }
}
