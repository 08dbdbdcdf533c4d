package org.webaccel.backend.webnn.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the WebNN backend (PID {@value WebNnBackend#PID}). The defaults fit a Debian machine
 * with the {@code chromium} and {@code chromium-driver} packages; that Chromium exposes WebNN's API but
 * has no WebNN backend compiled in, which the probe reports.
 */
@ObjectClassDefinition(name = "WebAccel WebNN backend",
        description = "A Chromium-family browser with WebNN enabled; offered to the pool only when "
                + "navigator.ml.createContext succeeds in it for one of the device types.")
public @interface WebNnConfig {

    /** @return the browser executable */
    @AttributeDefinition(name = "Browser executable",
            description = "A Chromium-family browser whose build has a WebNN backend (Chrome, Chromium, Edge).")
    String browserExecutable() default "/usr/bin/chromium";

    /** @return the driver executable */
    @AttributeDefinition(name = "WebDriver executable",
            description = "chromedriver for Chrome and Chromium, msedgedriver for Edge; its major version must match the browser's.")
    String driverExecutable() default "/usr/bin/chromedriver";

    /** @return the W3C browser name */
    @AttributeDefinition(name = "Browser name",
            description = "The W3C browser name the driver expects: chrome (Chrome, Chromium) or MicrosoftEdge.")
    String browserName() default "chrome";

    /** @return the device types tried */
    @AttributeDefinition(name = "Device types",
            description = "WebNN device types the probe tries (cpu, gpu, npu); the backend is available when one works.")
    String[] deviceTypes() default {"cpu", "gpu"};

    /** @return arguments added after the built-in switches */
    @AttributeDefinition(name = "Extra arguments",
            description = "Command-line switches added after the built-in ones (which include "
                    + "--enable-features=WebMachineLearningNeuralNetwork).")
    String[] arguments() default {};

    /** @return whether to pass {@code --enable-unsafe-webgpu} */
    @AttributeDefinition(name = "WebGPU",
            description = "Pass --enable-unsafe-webgpu: WebNN's gpu device type needs a WebGPU adapter in headless mode.")
    boolean webgpu() default true;

    /** @return whether to run without a window */
    @AttributeDefinition(name = "Headless", description = "Run without a window (a display is needed otherwise).")
    boolean headless() default true;

    /** @return how long starting driver and browser may take */
    @AttributeDefinition(name = "Start timeout (ms)", description = "How long starting the driver and the browser may take.")
    long startTimeoutMillis() default 30_000;

    /** @return how long one WebDriver call may take */
    @AttributeDefinition(name = "Command timeout (ms)",
            description = "How long one WebDriver call may take: loading a page, running a script (the probe's "
                    + "createContext included), closing a tab.")
    long commandTimeoutMillis() default 30_000;

    /** @return how often each browser's tabs are listed */
    @AttributeDefinition(name = "Watch interval (ms)",
            description = "How often each browser's tabs are listed, which finds closed tabs and dead browsers.")
    long watchIntervalMillis() default 1_000;
}
