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

    @AttributeDefinition(description = "Requests that may wait for a worker; past it submissions are rejected "
            + "at once.")
    int queueCapacity() default 256;

    @AttributeDefinition(description = "Times a request may be run when its worker is lost mid-request.")
    int maxAttempts() default 3;

    @AttributeDefinition(description = "Largest total input size of one request, in bytes.")
    int maxInputBytes() default 64 * 1024 * 1024;

    @AttributeDefinition(description = "Seconds a new page may take to load the runtime and connect.")
    int connectTimeoutSeconds() default 60;

    @AttributeDefinition(description = "Seconds a worker may keep running a request past that request's "
            + "deadline before the page is taken as hung and replaced.")
    int hangGraceSeconds() default 10;
}
