package org.webaccel.webdriver;

import java.util.List;
import java.util.Optional;

/**
 * What a Selenium Grid 4 says of itself at {@code /status}.
 *
 * @param ready whether the Grid accepts new sessions
 * @param message the Grid's own words, e.g. {@code Selenium Grid ready.}
 * @param slots the session slots of the nodes that are up
 */
public record GridStatus(boolean ready, String message, List<Slot> slots) {

    /**
     * One session slot of a node, as its stereotype describes it.
     *
     * @param browserName e.g. {@code chrome}
     * @param browserVersion the version the stereotype names, or empty when it names none
     * @param platformName e.g. {@code linux}, or empty
     * @param busy whether a session runs in the slot
     */
    public record Slot(String browserName, String browserVersion, String platformName, boolean busy) {
    }

    /** Copies the list. */
    public GridStatus {
        slots = List.copyOf(slots);
    }

    /**
     * @param browserName a W3C browser name
     * @return the first slot offering that browser, preferring one whose stereotype names a version
     */
    public Optional<Slot> slotFor(String browserName) {
        return slots.stream().filter(s -> s.browserName().equalsIgnoreCase(browserName))
                .sorted((a, b) -> Boolean.compare(a.browserVersion().isEmpty(), b.browserVersion().isEmpty()))
                .findFirst();
    }
}
