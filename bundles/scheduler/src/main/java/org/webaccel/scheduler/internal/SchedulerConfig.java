package org.webaccel.scheduler.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "WebAccel placement",
        description = "How the default placement policy filters and scores the workers a request may run on. "
                + "The score is affinity + history + load + loaded + health; the formulas are in the "
                + "scheduler bundle's README.")
@interface SchedulerConfig {

    @AttributeDefinition(description = "A worker whose browser uses more resident memory than this many MiB is "
            + "excluded; 0 or less disables the budget. Unknown memory (-1) always passes.")
    long memoryBudgetMegabytes() default 4096;

    @AttributeDefinition(description = "The model-type affinity table: comma-separated 'type=family/provider' "
            + "entries; family '*' matches any browser family. Types: text-embedding, text, vision, audio, "
            + "multimodal. Providers: wasm, webgpu, webnn.")
    String affinity() default "audio=firefox/webgpu,vision=chromium/webgpu,text-embedding=*/webnn,"
            + "text=*/webnn,multimodal=chromium/webgpu";

    @AttributeDefinition(description = "Points for a candidate whose family and provider both match the "
            + "model type's entry.")
    double affinityWeight() default 30;

    @AttributeDefinition(description = "Share of affinityWeight a candidate gets when only its provider "
            + "matches the entry, 0-1.")
    double providerMatchFraction() default 0.5;

    @AttributeDefinition(description = "Points for a wasm candidate that the entry does not name: wasm is the "
            + "fallback every page can run.")
    double wasmFallbackPoints() default 5;

    @AttributeDefinition(description = "Points for the fastest (model, backend, provider) by measured median "
            + "latency, at full confidence.")
    double historyWeight() default 60;

    @AttributeDefinition(description = "Successful inferences a (model, backend, provider) needs in the history "
            + "window before its history counts; below this it gets 0 history points.")
    int minSamples() default 20;

    @AttributeDefinition(description = "k in the sample confidence n/(n+k): with n = k samples the confidence "
            + "is one half.")
    int confidenceSamples() default 20;

    @AttributeDefinition(description = "Relative latency gap, in percent of the fastest median, at and above "
            + "which a slower (model, backend, provider) takes its full history penalty; smaller gaps count "
            + "proportionally less, so near-equal medians leave the choice to the other parts.")
    double gapPercent() default 25;

    @AttributeDefinition(description = "Points for a browser with no busy page; a browser whose pages are all "
            + "busy gets none.")
    double loadWeight() default 10;

    @AttributeDefinition(description = "Points for a page that already holds the model's session on the "
            + "provider.")
    double loadedWeight() default 15;

    @AttributeDefinition(description = "Points for a worker with health score 100, proportionally less below.")
    double healthWeight() default 10;

    @AttributeDefinition(description = "Seconds of metrics history the latency medians are read over.")
    long historyWindowSeconds() default 1800;

    @AttributeDefinition(description = "Seconds between two reads of the metrics history (in the background; "
            + "placement itself never waits for the database).")
    long historyRefreshSeconds() default 5;
}
