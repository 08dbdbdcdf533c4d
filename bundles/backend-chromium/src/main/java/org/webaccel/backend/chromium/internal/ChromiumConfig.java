package org.webaccel.backend.chromium.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the Chromium backend (PID {@value ChromiumBackend#PID}). Every attribute has a default
 * that fits a Debian machine with the {@code chromium} and {@code nodejs} packages installed, so the
 * backend also runs without any configuration.
 */
@ObjectClassDefinition(
        name = "WebAccel Chromium backend",
        description = "Launches headless Chromium through an embedded Playwright running on the system Node.js.")
public @interface ChromiumConfig {

    /** @return the Chromium executable */
    @AttributeDefinition(name = "Chromium executable", description = "Path of the Chromium (or Chrome) binary.")
    String executable() default "/usr/bin/chromium";

    /** @return arguments added after the built-in flags */
    @AttributeDefinition(name = "Extra arguments",
            description = "Command-line switches added after the built-in ones, e.g. --enable-features=...")
    String[] arguments() default {};

    /** @return whether to pass {@code --enable-unsafe-webgpu} */
    @AttributeDefinition(name = "WebGPU",
            description = "Pass --enable-unsafe-webgpu; without it headless Chromium offers no WebGPU adapter.")
    boolean webgpu() default true;

    /** @return whether to run without a window */
    @AttributeDefinition(name = "Headless", description = "Run without a window (a display is needed otherwise).")
    boolean headless() default true;

    /** @return how long a launch may take */
    @AttributeDefinition(name = "Launch timeout (ms)",
            description = "How long starting the driver and the browser may take before the launch fails.")
    long launchTimeoutMillis() default 30_000;

    /** @return how long a page may take until its navigation commits */
    @AttributeDefinition(name = "Navigation timeout (ms)",
            description = "How long opening a page may take until the server has answered its URL.")
    long navigationTimeoutMillis() default 30_000;

    /** @return the Node.js executable that runs Playwright's driver */
    @AttributeDefinition(name = "Node.js executable",
            description = "Runs Playwright's driver. Read once per bundle start: Playwright keeps its driver "
                    + "for the life of its class loader.")
    String nodeExecutable() default "/usr/bin/node";

    /** @return where the driver's JavaScript is unpacked; empty for the bundle's data area */
    @AttributeDefinition(name = "Driver folder",
            description = "Folder where the Playwright driver's JavaScript is unpacked (about 14 MB). "
                    + "Empty: the bundle's persistent data area. Read once per bundle start.")
    String driverDirectory() default "";
}
