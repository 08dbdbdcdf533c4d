package org.webaccel.api.metrics;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a {@link Trend} is about. Each metric is tested the same way (Mann-Whitney U, Welch's t, slope, with
 * the same guard against false alarms); what differs is the samples each window gives.
 */
public enum Metric {
    /** total latency of each successful inference, in ms; lower is better */
    LATENCY("ms"),
    /**
     * successful inferences per second in each step of a window that has records of the series (a step without
     * any, when nothing was asked, is left out); higher is better
     */
    THROUGHPUT("inferences/s"),
    /**
     * the outcome of each inference, 100 for a failure and 0 for a success, so a window's mean is its error
     * rate in percent; the change is in percentage points; lower is better
     */
    ERRORS("%"),
    /** the resident memory of the browser that ran each inference, in MiB, where it was known; lower is better */
    MEMORY("MiB"),
    /** session-creation (model loading) time of each inference that had to create one, in ms; lower is better */
    LOADING("ms");

    private final String unit;

    Metric(String unit) {
        this.unit = unit;
    }

    /** @return the lower-case name, as {@code pool:trends --metric} takes it */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the unit of the values and medians of this metric's trends */
    public String unit() {
        return unit;
    }

    /** @return true when a rise is an improvement (throughput); false when a fall is */
    public boolean higherIsBetter() {
        return this == THROUGHPUT;
    }

    /**
     * @param id a metric's {@link #id()}, case-insensitive
     * @return the metric
     * @throws IllegalArgumentException naming the metrics there are
     */
    public static Metric of(String id) {
        for (Metric m : values()) {
            if (m.id().equalsIgnoreCase(id.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + id + "'; expected one of "
                + Arrays.stream(values()).map(Metric::id).collect(Collectors.joining(", ")));
    }
}
