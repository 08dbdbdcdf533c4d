package org.webaccel.metrics.internal;

import org.webaccel.api.ExecutionProvider;

/** One latency series: a model version on one backend and execution provider. */
record SeriesKey(String model, String version, String backend, ExecutionProvider executionProvider)
        implements Comparable<SeriesKey> {

    @Override
    public int compareTo(SeriesKey o) {
        int c = model.compareTo(o.model);
        c = c != 0 ? c : version.compareTo(o.version);
        c = c != 0 ? c : backend.compareTo(o.backend);
        return c != 0 ? c : executionProvider.compareTo(o.executionProvider);
    }
}
