package org.webaccel.metrics.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.webaccel.api.metrics.InferenceRecord;

/**
 * Moves records from a bounded buffer into DuckDB on one background thread, in batches through DuckDB's
 * appender. The caller's side ({@link #offer}) is a non-blocking queue offer; everything that can be slow or
 * fail happens on the writer thread, and a record that cannot be kept is counted as dropped.
 */
final class RecordWriter implements AutoCloseable {
    private static final Logger LOG = System.getLogger(RecordWriter.class.getName());
    private static final Duration REOPEN_BACKOFF = Duration.ofSeconds(5);
    private static final Duration RETENTION_PERIOD = Duration.ofHours(1);
    /**
     * DuckDB's transactions are optimistic: a delete that meets another one on the same rows (the writer's own
     * pass and {@code applyRetention} at once) fails with a conflict. It is tried again once the other has had
     * time to commit; the rows the other deleted are simply gone.
     */
    private static final RetryPolicy<Integer> RETENTION_CONFLICTS = RetryPolicy.<Integer>builder()
            .handleIf(e -> e instanceof SQLException && e.getMessage() != null && e.getMessage().contains("Conflict"))
            .withBackoff(Duration.ofMillis(10), Duration.ofMillis(500)).withMaxAttempts(8).build();

    private final MetricsDatabase database;
    private final BlockingQueue<InferenceRecord> buffer;
    private final int batchSize;
    private final Duration flushInterval;
    private final int retentionDays;
    private final Clock clock;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private Instant nextOpen = Instant.MIN;
    private Instant nextRetention = Instant.MIN;

    RecordWriter(MetricsDatabase database, Settings settings, Clock clock) {
        this.database = database;
        this.buffer = new ArrayBlockingQueue<>(settings.bufferCapacity());
        this.batchSize = settings.batchSize();
        this.flushInterval = settings.flushInterval();
        this.retentionDays = settings.retentionDays();
        this.clock = clock;
        this.thread = new Thread(this::run, "webaccel-metrics-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Never blocks: a full buffer drops the record. */
    void offer(InferenceRecord r) {
        if (r != null && running && buffer.offer(r)) {
            accepted.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    long accepted() {
        return accepted.get();
    }

    long written() {
        return written.get();
    }

    long dropped() {
        return dropped.get();
    }

    int buffered() {
        return buffer.size();
    }

    private void run() {
        List<InferenceRecord> batch = new ArrayList<>(batchSize);
        while (running || !buffer.isEmpty()) {
            try {
                InferenceRecord first = buffer.poll(flushInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    fill(batch, System.nanoTime() + flushInterval.toNanos());
                    write(batch);
                    batch.clear();
                }
                retainIfDue();
            } catch (InterruptedException e) {
                // close() interrupts to end the wait at once; the loop drains what is left
                running = false;
            } catch (RuntimeException e) {
                dropped.addAndGet(batch.size());
                batch.clear();
                LOG.log(Level.ERROR, "metrics writer failed; it goes on", e);
            }
        }
    }

    /**
     * Gathers records into the batch until it is full or the flush interval since its first record has passed:
     * one DuckDB commit per batch, not per record (a commit costs about a millisecond of CPU; under load records
     * come in hundreds per second). Closing ends the wait at once.
     */
    private void fill(List<InferenceRecord> batch, long deadline) {
        buffer.drainTo(batch, batchSize - batch.size());
        while (running && batch.size() < batchSize) {
            long left = deadline - System.nanoTime();
            InferenceRecord next;
            try {
                next = left <= 0 ? null : buffer.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                running = false; // close(): this batch is written now, the loop drains what is left
                return;
            }
            if (next == null) {
                return;
            }
            batch.add(next);
            buffer.drainTo(batch, batchSize - batch.size());
        }
    }

    private void write(List<InferenceRecord> batch) {
        DuckDBConnection c = connection();
        if (c == null) {
            dropped.addAndGet(batch.size());
            return;
        }
        try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "inference")) {
            for (InferenceRecord r : batch) {
                a.beginRow();
                a.append(LocalDateTime.ofInstant(r.time(), ZoneOffset.UTC));
                a.append(r.model());
                a.append(r.version());
                a.append(r.modelType().id());
                a.append(r.backend());
                a.append(r.browserVersion());
                a.append(r.executionProvider().id());
                a.append(r.worker());
                a.append(r.batchSize());
                a.append(r.queuedMs());
                a.append(r.transferMs());
                a.append(r.computeMs());
                a.append(r.totalMs());
                if (r.failure() == null) {
                    a.appendNull();
                } else {
                    a.append(r.failure());
                }
                a.append(r.inputBytes());
                a.append(r.precision());
                if (Double.isNaN(r.loadMs())) {
                    a.appendNull();
                } else {
                    a.append(r.loadMs());
                }
                if (r.residentBytes() < 0) {
                    a.appendNull();
                } else {
                    a.append(r.residentBytes());
                }
                a.endRow();
            }
            a.flush();
            written.addAndGet(batch.size());
        } catch (SQLException | RuntimeException e) {
            dropped.addAndGet(batch.size());
            LOG.log(Level.WARNING, "dropped " + batch.size() + " inference records: " + e.getMessage());
            database.invalidate();
            nextOpen = clock.instant().plus(REOPEN_BACKOFF);
        }
    }

    private DuckDBConnection connection() {
        if (database.isOpen()) {
            return database.open();
        }
        Instant now = clock.instant();
        if (now.isBefore(nextOpen)) {
            return null;
        }
        DuckDBConnection c = database.open();
        if (c == null) {
            nextOpen = now.plus(REOPEN_BACKOFF);
        }
        return c;
    }

    private void retainIfDue() {
        Instant now = clock.instant();
        if (retentionDays <= 0 || now.isBefore(nextRetention) || !database.isOpen()) {
            return;
        }
        nextRetention = now.plus(RETENTION_PERIOD);
        try {
            deleteOlderThan(now.minus(Duration.ofDays(retentionDays)));
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "metrics retention failed: " + e.getMessage());
        }
    }

    /**
     * @param cutoff rows before this instant go
     * @return rows deleted
     */
    int deleteOlderThan(Instant cutoff) throws SQLException {
        try {
            return Failsafe.with(RETENTION_CONFLICTS).get(() -> deleteOnce(cutoff));
        } catch (FailsafeException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
    }

    private int deleteOnce(Instant cutoff) throws SQLException {
        try (java.sql.Connection c = database.forQuery();
                PreparedStatement p = c.prepareStatement("DELETE FROM inference WHERE ts < epoch_ms(?)")) {
            p.setLong(1, cutoff.toEpochMilli());
            int n = p.executeUpdate();
            if (n > 0) {
                LOG.log(Level.INFO, "metrics retention deleted {0} rows older than {1}", n, cutoff);
            }
            return n;
        }
    }

    /**
     * Stops taking records, writes what is buffered and ends the thread.
     */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
