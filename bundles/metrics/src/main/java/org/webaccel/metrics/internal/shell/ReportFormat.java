package org.webaccel.metrics.internal.shell;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The formats {@code pool:report} writes, by the name {@code --format} takes. */
enum ReportFormat {
    TEXT, MARKDOWN, HTML, JSON;

    /** @return the name {@code --format} takes */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param format what {@code --format} was given
     * @return the format of that name
     * @throws IllegalArgumentException naming the formats there are
     */
    static ReportFormat of(String format) {
        for (ReportFormat f : values()) {
            if (f.id().equals(format.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown --format '" + format + "'; expected one of "
                + Arrays.stream(values()).map(ReportFormat::id).collect(Collectors.joining(", ")));
    }
}
