package org.webaccel.quantization.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.webaccel.api.quantization.SkippedWeight;

/** Says in a few words which constant tensors quantization left alone and why. */
final class SkippedSummary {
    /** Tensors at least this large are named one by one: leaving them float costs size. */
    static final int NAMED_FROM = LayerScanner.MIN_ELEMENTS;

    private SkippedSummary() {
    }

    /** @return e.g. {@code 12 fewer than 256 values (3,120 bytes), 2 not float32 (INT64) (96 bytes)} */
    static String reasons(List<SkippedWeight> skipped) {
        if (skipped.isEmpty()) {
            return "none skipped";
        }
        Map<String, List<SkippedWeight>> byReason = skipped.stream()
                .collect(Collectors.groupingBy(SkippedWeight::reason, TreeMap::new, Collectors.toList()));
        return byReason.entrySet().stream().map(e -> {
            List<SkippedWeight> all = e.getValue();
            String types = e.getKey().equals(LayerScanner.NOT_FLOAT) ? " (" + all.stream().map(SkippedWeight::type)
                    .distinct().sorted().collect(Collectors.joining(", ")) + ")" : "";
            return String.format(Locale.ROOT, "%d %s%s (%,d bytes)", all.size(), e.getKey(), types,
                    all.stream().mapToLong(SkippedWeight::bytes).sum());
        }).collect(Collectors.joining(", "));
    }

    /** @return the skipped tensors of {@value #NAMED_FROM} values or more, largest first, one line each */
    static List<String> large(List<SkippedWeight> skipped) {
        return skipped.stream().filter(w -> w.elements() >= NAMED_FROM)
                .sorted(java.util.Comparator.comparingLong(SkippedWeight::elements).reversed()
                        .thenComparing(SkippedWeight::name))
                .map(w -> String.format(Locale.ROOT, "%s (%,d values, %s): %s", w.name(), w.elements(), w.type(),
                        w.reason()))
                .toList();
    }
}
