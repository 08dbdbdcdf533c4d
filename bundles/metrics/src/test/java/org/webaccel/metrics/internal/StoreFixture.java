package org.webaccel.metrics.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.metrics.InferenceRecord;
import org.webaccel.api.model.ModelType;
import org.webaccel.testing.Await;

/** Settings and records for the store tests. */
final class StoreFixture {
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    private StoreFixture() {
    }

    static Settings settings(Path db, int capacity) {
        return new Settings(db, capacity, 500, Duration.ofMillis(20), 30,
                new TrendAnalyzer.Thresholds(0.01, 5, 20, 50, 20), 5000, Duration.ofHours(24), Duration.ofHours(168),
                Duration.ofHours(168), 0.05);
    }

    static InferenceRecord record(Instant t, String backend, ExecutionProvider ep, double totalMs, String failure) {
        return new InferenceRecord(t, "bert", "1", ModelType.TEXT_EMBEDDING, backend, "156.0", ep, "w1", 1, 0.5, 1.5,
                totalMs - 2, totalMs, failure, 4096);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, condition::getAsBoolean);
    }
}
