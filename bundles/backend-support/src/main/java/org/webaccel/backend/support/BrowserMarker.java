package org.webaccel.backend.support;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A switch passed to one browser, which the browser ignores but keeps in its command line, so that its
 * process can be found among this JVM's descendants.
 *
 * <p>Neither Playwright nor WebDriver tells a browser's process id (chromedriver's {@code goog:processID}
 * is Chrome-only), and concurrent launches in one JVM must not be mistaken for each other: a fresh marker
 * per launch tells them apart. Chromium starts its helper processes (renderer, GPU, zygote, ...) with the
 * browser's switches plus {@code --type=}; the browser's main process is the one without it.
 *
 * @param argument the switch, e.g. {@code --webaccel-browser=3f0c...}
 */
public record BrowserMarker(String argument) {

    /** What every marker starts with: one spelling for all backends, so that tests and people can look for it. */
    public static final String PREFIX = "--webaccel-browser=";
    /** Chromium marks each helper process with this switch; its main process has none. */
    private static final String HELPER_SWITCH = "--type=";

    /** @return a marker that names one browser launch */
    public static BrowserMarker fresh() {
        return new BrowserMarker(PREFIX + UUID.randomUUID());
    }

    /** @return the browser's main process among this JVM's descendants, while it runs */
    public Optional<ProcessHandle> mainProcess() {
        return ProcessHandle.current().descendants().filter(this::marksMainProcess).findFirst();
    }

    private boolean marksMainProcess(ProcessHandle process) {
        List<String> arguments = process.info().arguments().map(Arrays::asList).orElse(List.of());
        return arguments.contains(argument) && arguments.stream().noneMatch(a -> a.startsWith(HELPER_SWITCH));
    }

    @Override
    public String toString() {
        return argument;
    }
}
