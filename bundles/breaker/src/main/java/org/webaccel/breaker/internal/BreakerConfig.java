package org.webaccel.breaker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "WebAccel health monitor",
        description = "When the circuit breakers of workers and backends open, how long they stay open, and how "
                + "the health score weighs memory and connection drops. Thresholds may be overridden per "
                + "browser family.")
@interface BreakerConfig {

    @AttributeDefinition(description = "A worker's breaker opens after this many consecutive failures.")
    int consecutiveFailures() default 5;

    @AttributeDefinition(description = "A worker's breaker also opens when this percentage of its last "
            + "failureRateWindow outcomes failed.")
    int failureRatePercent() default 50;

    @AttributeDefinition(description = "Outcomes over which a worker's failure rate is counted.")
    int failureRateWindow() default 20;

    @AttributeDefinition(description = "A backend's breaker opens after this many consecutive failures over "
            + "all of its workers.")
    int backendConsecutiveFailures() default 10;

    @AttributeDefinition(description = "Outcomes over which a backend's failure rate (failureRatePercent) is "
            + "counted.")
    int backendFailureRateWindow() default 40;

    @AttributeDefinition(description = "Milliseconds an open breaker refuses calls before it admits trial calls.")
    long openDelayMillis() default 30_000;

    @AttributeDefinition(description = "Trial calls a half-open breaker admits; all must succeed to close it.")
    int halfOpenTrials() default 3;

    @AttributeDefinition(description = "A completed call slower than this many milliseconds counts as a failure "
            + "for the breakers; 0 never.")
    long slowCallMillis() default 20_000;

    @AttributeDefinition(description = "Per-family overrides of the settings above, each "
            + "'family:setting=value', e.g. 'firefox:openDelayMillis=60000'. The family is the backend's "
            + "browser family (chromium, firefox, edge, ...); a backend name works too.")
    String[] familyOverrides() default {};

    @AttributeDefinition(description = "Seconds within which connection drops count against the health score.")
    long dropWindowSeconds() default 600;

    @AttributeDefinition(description = "Memory in MiB below which the health score takes no memory penalty.")
    long memoryLowMegabytes() default 1024;

    @AttributeDefinition(description = "Memory in MiB at and above which the health score takes the full memory "
            + "penalty.")
    long memoryHighMegabytes() default 4096;

    @AttributeDefinition(description = "Phase changes (with time and cause) each breaker keeps for "
            + "pool:breakers -v, the dashboard and its history; the oldest gives way. 1-1000.")
    int historyTransitions() default 32;

    @AttributeDefinition(description = "Counted failures (with time, class and message) each breaker keeps; the "
            + "oldest gives way. 1-1000.")
    int historyFailures() default 16;
}
