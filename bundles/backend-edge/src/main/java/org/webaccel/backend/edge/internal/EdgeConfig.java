package org.webaccel.backend.edge.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the Edge backend (PID {@value EdgeBackend#PID}). Without any, Edge and its driver are
 * looked up on the PATH, as a machine with Microsoft's packages has them.
 */
@ObjectClassDefinition(name = "WebAccel Edge backend",
        description = "Launches Microsoft Edge through msedgedriver (WebDriver).")
public @interface EdgeConfig {

    /** @return the Edge executable, or empty to search the PATH */
    @AttributeDefinition(name = "Edge executable",
            description = "Path of msedge; empty: the first of msedge, microsoft-edge-stable, microsoft-edge on the PATH.")
    String edgeExecutable() default "";

    /** @return the driver executable, or empty to search the PATH */
    @AttributeDefinition(name = "msedgedriver executable",
            description = "Path of msedgedriver, whose major version must match Edge's; empty: msedgedriver on the PATH.")
    String edgeDriverExecutable() default "";

    /** @return arguments added after the built-in switches */
    @AttributeDefinition(name = "Extra arguments",
            description = "Command-line switches added after the built-in ones, e.g. "
                    + "--enable-features=WebMachineLearningNeuralNetwork.")
    String[] arguments() default {};

    /** @return whether to pass {@code --enable-unsafe-webgpu} */
    @AttributeDefinition(name = "WebGPU",
            description = "Pass --enable-unsafe-webgpu, which headless Edge on Linux needs for a WebGPU adapter.")
    boolean webgpu() default true;

    /** @return whether to run without a window */
    @AttributeDefinition(name = "Headless", description = "Run without a window (a display is needed otherwise).")
    boolean headless() default true;

    /** @return how long starting driver and browser may take */
    @AttributeDefinition(name = "Start timeout (ms)", description = "How long starting msedgedriver and Edge may take.")
    long startTimeoutMillis() default 30_000;

    /** @return how long one WebDriver call may take */
    @AttributeDefinition(name = "Command timeout (ms)",
            description = "How long one WebDriver call may take: loading a page, running a script, closing a tab.")
    long commandTimeoutMillis() default 30_000;

    /** @return how often each browser's tabs are listed */
    @AttributeDefinition(name = "Watch interval (ms)",
            description = "How often each browser's tabs are listed, which finds closed tabs and dead browsers.")
    long watchIntervalMillis() default 1_000;

    /** @return how long {@code --version} may take */
    @AttributeDefinition(name = "Probe timeout (ms)",
            description = "How long 'msedge --version' and 'msedgedriver --version' may take.")
    long probeTimeoutMillis() default 10_000;
}
