package org.webaccel.backend.grid.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the Grid backend (PID {@value GridBackend#PID}). Without a Grid URL the backend is
 * unavailable. The browsers on the Grid's nodes load worker pages from the bridge, so the bridge must be
 * reachable from them: configure PID {@code org.webaccel.bridge} with {@code bindAddress} (e.g.
 * {@code 0.0.0.0}) and {@code advertisedHost} (this machine's name or address as the nodes see it); by
 * default the bridge listens on 127.0.0.1, which only a Grid on this machine can reach.
 */
@ObjectClassDefinition(name = "WebAccel Selenium Grid backend",
        description = "Runs browsers on a Selenium Grid 4 through RemoteWebDriver. The Grid's nodes load pages "
                + "from the bridge: set the bridge's bindAddress and advertisedHost (PID org.webaccel.bridge) so that "
                + "they can reach it.")
public @interface GridConfig {

    /** @return the Grid's URL, or empty */
    @AttributeDefinition(name = "Grid URL",
            description = "Base URL of the Selenium Grid 4, e.g. http://grid.example:4444; empty: the backend is unavailable.")
    String gridUrl() default "";

    /** @return the W3C browser names asked for, in turn */
    @AttributeDefinition(name = "Browsers",
            description = "W3C browser names to ask the Grid for, one launch after the other: chrome, MicrosoftEdge, firefox.")
    String[] browsers() default {"chrome"};

    /** @return the most sessions at once */
    @AttributeDefinition(name = "Maximum sessions",
            description = "Most Grid sessions (browsers) this backend holds at once; further launches are refused.")
    int maxSessions() default 4;

    /** @return the switches each browser gets */
    @AttributeDefinition(name = "Browser arguments",
            description = "Command-line switches for each browser (args of goog:chromeOptions, ms:edgeOptions or "
                    + "moz:firefoxOptions). The defaults keep a headless Chromium quiet and give it WebGPU; a Firefox "
                    + "node needs its own, e.g. -headless.")
    String[] browserArguments() default {"--headless", "--no-sandbox", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--enable-unsafe-webgpu"};

    /** @return the browser binary on the nodes, or empty */
    @AttributeDefinition(name = "Browser binary",
            description = "Path of the browser on the nodes; empty: whatever the node's driver finds or its stereotype names.")
    String browserBinary() default "";

    /** @return how long creating a session may take */
    @AttributeDefinition(name = "Start timeout (ms)",
            description = "How long creating a session may take, including time in the Grid's queue.")
    long startTimeoutMillis() default 120_000;

    /** @return how long one WebDriver call may take */
    @AttributeDefinition(name = "Command timeout (ms)",
            description = "How long one WebDriver call may take: loading a page, running a script, closing a tab.")
    long commandTimeoutMillis() default 30_000;

    /** @return how often each session is checked */
    @AttributeDefinition(name = "Watch interval (ms)",
            description = "How often each session's tabs are listed: a session that no longer answers is a dead "
                    + "browser. The calls also keep the Grid from ending sessions as idle.")
    long watchIntervalMillis() default 2_000;

    /** @return how long asking /status may take */
    @AttributeDefinition(name = "Status timeout (ms)", description = "How long asking the Grid's /status may take.")
    long statusTimeoutMillis() default 5_000;

    /** @return how long a status answer is reused */
    @AttributeDefinition(name = "Status kept (ms)",
            description = "How long the Grid's answer is reused before describe() asks again: a Grid comes and goes.")
    long statusCacheMillis() default 10_000;
}
