package org.webaccel.bridge.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "WebAccel bridge",
        description = "The HTTP and WebSocket endpoint that worker pages load from and talk to.")
@interface BridgeConfig {

    @AttributeDefinition(description = "Address the server binds to. Keep the loopback address unless remote "
            + "browsers must reach it.")
    String bindAddress() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port; 0 picks a free port at start.")
    int port() default 0;

    @AttributeDefinition(description = "Host name or address written into worker page URLs; empty means the "
            + "bind address.")
    String advertisedHost() default "";

    @AttributeDefinition(description = "Largest WebSocket message in bytes, either way; a page that sends a "
            + "larger one is disconnected.")
    int maxFrameBytes() default 256 * 1024 * 1024;

    @AttributeDefinition(description = "WebAssembly threads per page for ONNX Runtime Web. Pages are the unit "
            + "of parallelism, so 1 avoids oversubscribing the cores.")
    int wasmThreads() default 1;

    @AttributeDefinition(description = "Milliseconds between heartbeats the bridge sends each page.")
    int heartbeatIntervalMillis() default 1000;

    @AttributeDefinition(description = "An idle page that has sent nothing for this many milliseconds is taken "
            + "as hung and disconnected. A page running a request is judged by the request's deadline instead.")
    int heartbeatTimeoutMillis() default 5000;

    @AttributeDefinition(description = "Accept WorkerBridge.injectFault calls, which make a page hang or drop its "
            + "WebSocket. For fault-injection tests only; keep it off in service.")
    boolean faultInjection() default false;
}
