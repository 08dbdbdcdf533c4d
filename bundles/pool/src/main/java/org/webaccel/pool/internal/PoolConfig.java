package org.webaccel.pool.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "WebAccel pool",
        description = "How many browsers and pages the pool runs per backend, when it recycles them, and how it "
                + "queues requests.")
@interface PoolConfig {

    @AttributeDefinition(description = "Worker pages each available backend keeps open and warm.")
    int minWorkers() default 2;

    @AttributeDefinition(description = "Most browsers the pool runs on one backend (a browser being recycled "
            + "does not count).")
    int maxBrowsers() default 2;

    @AttributeDefinition(description = "Most worker pages in one browser. Pages are far cheaper than browsers, "
            + "so the pool fills a browser before it launches another.")
    int maxPagesPerBrowser() default 4;

    @AttributeDefinition(description = "Recycle a browser after it served this many requests; 0 never.")
    long recycleAfterRequests() default 10000;

    @AttributeDefinition(description = "Recycle a browser whose processes use more resident memory than this, "
            + "in MiB; 0 never. Measured from /proc where the backend knows the browser's process id.")
    long recycleAboveRssMegabytes() default 4096;

    @AttributeDefinition(description = "Recycle a browser older than this many seconds; 0 never.")
    long recycleAfterSeconds() default 7200;

    @AttributeDefinition(description = "Close a worker idle this many seconds when the backend has more than "
            + "minWorkers; 0 never.")
    long idleTimeoutSeconds() default 300;

    @AttributeDefinition(description = "Seconds a draining worker may take to finish its request before it is "
            + "closed and the request moves to another worker.")
    int drainTimeoutSeconds() default 30;

    @AttributeDefinition(description = "Seconds between lifecycle checks (capacity, recycling, idle workers).")
    int maintenanceIntervalSeconds() default 2;

    @AttributeDefinition(description = "After a browser launch fails, the backend waits this many milliseconds "
            + "before it launches again; the wait doubles after each failure in a row, up to launchRetryMaxSeconds.")
    long launchRetryInitialMillis() default 500;

    @AttributeDefinition(description = "The longest wait, in seconds, between launches of a backend whose launches "
            + "fail.")
    long launchRetryMaxSeconds() default 60;

    @AttributeDefinition(description = "After this many failed launches in a row a backend reports itself "
            + "unavailable, with the last reason (pool:backends, dashboard, Prometheus, /v2/health/ready), and keeps "
            + "trying; the first launch that works brings it back.")
    int unavailableAfterFailedLaunches() default 5;

    @AttributeDefinition(description = "Spare pages each backend keeps warm beside its workers: connected, but "
            + "given no work until a worker of the backend is lost; then one enters service at once and a new spare "
            + "opens. A spare opens in the browser with the fewest workers, up to maxPagesPerBrowser plus this many "
            + "pages, so that a browser's death leaves spares in another. 0: none.")
    int sparePages() default 0;

    @AttributeDefinition(description = "Requests a page holds at once: one running, the others waiting in the page, "
            + "so that sending the next request overlaps the current one's compute. A page gets a second request only "
            + "when every page is busy; if it dies, all it held run again elsewhere. 1 turns pipelining off.")
    int pipelineDepth() default 2;

    @AttributeDefinition(description = "Requests that may wait for a worker; past it submissions are rejected "
            + "at once.")
    int queueCapacity() default 256;

    @AttributeDefinition(description = "Times a request may be run when its worker is lost mid-request.")
    int maxAttempts() default 3;

    @AttributeDefinition(description = "Largest total input size of one request, in bytes.")
    int maxInputBytes() default 64 * 1024 * 1024;

    @AttributeDefinition(description = "Megabytes the requests in flight may hold: inputs of requests queued and "
            + "running, and results not yet delivered (HTTP responses being written). Past it new requests are "
            + "rejected at once, as with a full queue.")
    long requestMemoryMegabytes() default 1024;

    @AttributeDefinition(description = "Seconds a new page may take to load the runtime and connect.")
    int connectTimeoutSeconds() default 60;

    @AttributeDefinition(description = "Seconds a worker may keep running a request past that request's "
            + "deadline before the page is taken as hung and replaced.")
    int hangGraceSeconds() default 10;

    @AttributeDefinition(description = "Most requests of a model running at once, as name=count pairs, e.g. "
            + "'text-encoder=2, image-classifier=4'; models not named have no limit.")
    String modelConcurrency() default "";

    @AttributeDefinition(description = "Shares of the models in fair turns, as name=weight pairs (default 1): "
            + "when several models wait they take turns in proportion to their weights.")
    String modelWeights() default "";

    @AttributeDefinition(description = "Most requests of a model waiting at once, as name=count pairs; past it "
            + "that model's submissions are rejected at once while others are still accepted.")
    String modelQueueLimits() default "";

    @AttributeDefinition(description = "Most workers per backend the scaling controller may open when requests "
            + "wait longer than targetQueueWaitMillis; at or below minWorkers the controller is off.")
    int maxWorkers() default 0;

    @AttributeDefinition(description = "Queue wait, in milliseconds, above which the scaling controller adds a "
            + "worker (a page first, a browser when the browsers are full).")
    long targetQueueWaitMillis() default 500;

    @AttributeDefinition(description = "Browsers' total resident memory, in MiB, above which the scaling "
            + "controller adds no worker; 0 for no budget.")
    long memoryBudgetMegabytes() default 0;

    @AttributeDefinition(description = "Dynamic batching: the largest batch, as name=size pairs, that queued "
            + "requests of a model (whose inputs all have a symbolic first dimension) are joined into for one "
            + "browser call; models not named are not batched.")
    String batchMaxSize() default "";

    @AttributeDefinition(description = "Dynamic batching: the batch size worth waiting for, as name=size pairs "
            + "(default: the largest).")
    String batchPreferredSize() default "";

    @AttributeDefinition(description = "Dynamic batching: how long, in ms, a model's oldest queued request may "
            + "wait for its batch to reach the preferred size, as name=ms pairs (default 0: never wait).")
    String batchMaxDelayMillis() default "";

    @AttributeDefinition(description = "Shared tensors: bytes of kept model outputs each page may hold; past it the "
            + "least recently used unreferenced, unpinned ones are evicted (see TensorSharing).")
    long sharedTensorBudgetBytes() default 268435456L;
}
