package org.webaccel.harness.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The windows measured for one side of a comparison, one per round, turned into series of a figure. */
final class WindowSeries {
    private final List<LatencyLoad.Window> windows = new ArrayList<>();

    void add(LatencyLoad.Window w) {
        windows.add(w);
    }

    List<Double> throughput() {
        return windows.stream().map(LatencyLoad.Window::perSecond).toList();
    }

    List<Double> p50() {
        return windows.stream().map(LatencyLoad.Window::p50).toList();
    }

    /** Adds the throughput series to {@code throughput} and p50/p95/p99 to {@code latency}. */
    void addTo(Figure throughput, Figure latency, String name) {
        throughput.series(name, "requests/s", throughput());
        latency.series("p50, " + name, "ms", p50());
        latency.series("p95, " + name, "ms", windows.stream().map(LatencyLoad.Window::p95).toList());
        latency.series("p99, " + name, "ms", windows.stream().map(LatencyLoad.Window::p99).toList());
    }

    /** @return where the results of all windows ran, as percentages, e.g. {@code text-encoder chromium/wasm 33%} */
    String placements() {
        Map<String, Integer> all = new TreeMap<>();
        int total = 0;
        for (LatencyLoad.Window w : windows) {
            for (Map.Entry<String, Integer> e : w.placements().entrySet()) {
                all.merge(e.getKey(), e.getValue(), Integer::sum);
                total += e.getValue();
            }
        }
        Map<String, String> shares = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : all.entrySet()) {
            shares.put(e.getKey(), Math.round(100.0 * e.getValue() / total) + "%");
        }
        return shares.toString();
    }
}
