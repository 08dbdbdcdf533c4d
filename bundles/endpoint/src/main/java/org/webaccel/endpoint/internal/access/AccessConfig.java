package org.webaccel.endpoint.internal.access;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Who may use the HTTP endpoints: /v2, /metrics and /dashboard (PID {@value AccessFilter#PID}). */
@ObjectClassDefinition(name = "WebAccel HTTP access",
        description = "Bearer tokens for /v2, /metrics and /dashboard. Without tokens only loopback clients are "
                + "served, and a container whose HTTP server binds another address refuses to run.")
@interface AccessConfig {

    @AttributeDefinition(description = "Tokens a client may send as 'Authorization: Bearer TOKEN'. With any "
            + "configured, every request to /v2, /metrics and /dashboard needs one of them, from loopback too. Keep "
            + "the file that holds them readable by the container's user only.")
    String[] bearerTokens() default {};

    @AttributeDefinition(description = "Serve clients beyond loopback without a token. Off: a container whose HTTP "
            + "server binds a non-loopback address without tokens refuses to run, and a request that arrives on a "
            + "non-loopback address without tokens configured is answered 403.")
    boolean allowUnauthenticatedRemote() default false;
}
