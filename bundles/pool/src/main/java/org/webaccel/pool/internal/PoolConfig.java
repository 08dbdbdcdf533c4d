package org.webaccel.pool.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "WebAccel pool",
        description = "How many browsers and pages the pool runs, and how it queues requests.")
@interface PoolConfig {

    @AttributeDefinition(description = "Browsers launched on each available backend.")
    int browsersPerBackend() default 1;

    @AttributeDefinition(description = "Worker pages opened in each browser. Pages are far cheaper than browsers.")
    int pagesPerBrowser() default 2;

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
