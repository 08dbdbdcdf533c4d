package org.webaccel.endpoint.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "WebAccel inference endpoint",
        description = "Limits and answers of the Open Inference Protocol (KServe v2) endpoint under /v2. The "
                + "HTTP port and bind address belong to the HTTP server: configuration org.apache.felix.http.")
@interface EndpointConfig {

    @AttributeDefinition(description = "Largest inference request body accepted, in bytes (JSON and binary "
            + "tensor data together); a larger one is answered 413. The pool's own limit on the total input "
            + "size (maxInputBytes of org.webaccel.pool) still applies.")
    int maxRequestBytes() default 256 * 1024 * 1024;

    @AttributeDefinition(description = "Seconds sent in Retry-After when the pool's queue is full (503).")
    int retryAfterSeconds() default 1;
}
