package org.webaccel.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the metrics store, PID {@code org.webaccel.metrics}. */
@ObjectClassDefinition(name = "WebAccel metrics store",
        description = "Where the inference history is kept, how it is buffered and how trends are judged.")
public @interface MetricsConfig {

    @AttributeDefinition(description = "DuckDB file; a relative path is resolved against the system property "
            + "webaccel.home (or the working directory)")
    String database() default "data/metrics.duckdb";

    @AttributeDefinition(description = "Records held in memory before new ones are dropped")
    int bufferCapacity() default 10000;

    @AttributeDefinition(description = "Most records written in one appender batch")
    int batchSize() default 1000;

    @AttributeDefinition(description = "Longest wait before a partial batch is written, in milliseconds")
    long flushIntervalMillis() default 1000;

    @AttributeDefinition(description = "Rows older than this many days are deleted (0 keeps everything)")
    int retentionDays() default 30;

    @AttributeDefinition(description = "Significance level both trend tests must reach")
    double alpha() default 0.01;

    @AttributeDefinition(description = "Smallest change of the median latency, in percent, called a trend")
    double minEffectPercent() default 5.0;

    @AttributeDefinition(description = "A called trend of at least this percent is MAJOR")
    double majorPercent() default 20.0;

    @AttributeDefinition(description = "A called trend of at least this percent is CRITICAL")
    double criticalPercent() default 50.0;

    @AttributeDefinition(description = "Fewest successful samples per window (trends) or per candidate "
            + "(recommendations)")
    int minSamples() default 20;

    @AttributeDefinition(description = "Most samples read per window for a trend test (the latest ones)")
    int maxSamples() default 5000;

    @AttributeDefinition(description = "Recent window of pool:trends, in hours")
    long trendRecentHours() default 24;

    @AttributeDefinition(description = "Baseline window before the recent one, in hours")
    long trendBaselineHours() default 168;

    @AttributeDefinition(description = "History a recommendation looks at, in hours")
    long recommendationWindowHours() default 168;

    @AttributeDefinition(description = "A candidate with a higher error rate is never recommended")
    double maxErrorRate() default 0.05;
}
