package org.webaccel.scheduler.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.Summary;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.scheduling.Candidate;

/** Configurations, models, candidates and summaries for the tests. */
final class Fixtures {
    private Fixtures() {
    }

    /**
     * @param overrides attribute name, value, ... ; every other attribute has its annotation default
     * @return the configuration as DS would hand it to the component
     */
    static SchedulerConfig config(Object... overrides) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < overrides.length; i += 2) {
            values.put((String) overrides[i], overrides[i + 1]);
        }
        return (SchedulerConfig) Proxy.newProxyInstance(SchedulerConfig.class.getClassLoader(),
                new Class<?>[] {SchedulerConfig.class}, (proxy, method, args) -> {
                    if (method.getDefaultValue() == null) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    static Settings settings(Object... overrides) {
        return Settings.from(config(overrides));
    }

    static ModelDescriptor model(String name, ModelType type) {
        return new ModelDescriptor(name, "1", type, "", List.of(), List.of(), Map.of());
    }

    /** A free, healthy worker alone in its browser, memory unknown, model not loaded. */
    static Candidate candidate(String worker, String backend, ExecutionProvider ep) {
        return new Candidate(worker, backend, backend, ep, false, 0, 1, false, 100, -1);
    }

    static Candidate loaded(Candidate c) {
        return new Candidate(c.workerId(), c.backend(), c.family(), c.executionProvider(), true,
                c.busyPagesInBrowser(), c.pagesInBrowser(), c.breakerOpen(), c.healthScore(),
                c.browserMemoryBytes());
    }

    /** The same candidate on a WebGPU adapter that reports itself as a fallback (software). */
    static Candidate fallbackAdapter(Candidate c) {
        return new Candidate(c.workerId(), c.backend(), c.family(), c.executionProvider(), c.modelLoaded(),
                c.busyPagesInBrowser(), c.pagesInBrowser(), c.breakerOpen(), c.healthScore(), c.browserMemoryBytes(),
                true);
    }

    static Candidate breakerOpen(Candidate c) {
        return new Candidate(c.workerId(), c.backend(), c.family(), c.executionProvider(), c.modelLoaded(),
                c.busyPagesInBrowser(), c.pagesInBrowser(), true, c.healthScore(), c.browserMemoryBytes());
    }

    static Candidate memory(Candidate c, long bytes) {
        return new Candidate(c.workerId(), c.backend(), c.family(), c.executionProvider(), c.modelLoaded(),
                c.busyPagesInBrowser(), c.pagesInBrowser(), c.breakerOpen(), c.healthScore(), bytes);
    }

    static Candidate load(Candidate c, int busy, int pages) {
        return new Candidate(c.workerId(), c.backend(), c.family(), c.executionProvider(), c.modelLoaded(), busy,
                pages, c.breakerOpen(), c.healthScore(), c.browserMemoryBytes());
    }

    static Candidate health(Candidate c, double score) {
        return new Candidate(c.workerId(), c.backend(), c.family(), c.executionProvider(), c.modelLoaded(),
                c.busyPagesInBrowser(), c.pagesInBrowser(), c.breakerOpen(), score, c.browserMemoryBytes());
    }

    /** A summary of {@code successes} successful runs of version 1 with the given median. */
    static Summary summary(String model, String backend, ExecutionProvider ep, long successes, double p50) {
        return new Summary(model, "1", backend, ep, successes, 0, p50, p50, p50 * 1.5, p50 * 2);
    }
}
