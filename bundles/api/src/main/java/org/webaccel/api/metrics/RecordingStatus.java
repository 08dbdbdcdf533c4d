package org.webaccel.api.metrics;

/**
 * Counters of the recording path since the store started. Every record handed to
 * {@link MetricsStore#record} is eventually counted once, as written or as dropped; until then it is
 * buffered or in the batch being written.
 *
 * @param accepted records taken into the buffer
 * @param written records written to the database
 * @param dropped records lost: the buffer was full, or the database was unavailable or refused a batch
 * @param buffered records waiting in the buffer now
 * @param available true while the database is open and writable
 * @param database the database file
 */
public record RecordingStatus(long accepted, long written, long dropped, int buffered, boolean available,
        String database) {
}
