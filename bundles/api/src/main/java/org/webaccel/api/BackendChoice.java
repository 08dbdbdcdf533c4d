package org.webaccel.api;

import java.util.Locale;
import java.util.Objects;

/**
 * Which backend a request runs on: one backend by its name ({@code chromium}, {@code firefox-nightly}) or any of
 * a browser family ({@code firefox}, {@code edge}); required, or only preferred.
 *
 * <p>A required choice runs the request only on a matching backend: if none is available when the request is
 * submitted, it fails at once with {@link BackendUnavailableException}. A preferred choice runs it on a matching
 * worker whenever one is free, and on any other worker otherwise.
 *
 * @param target a backend's name or a browser family; matched case-insensitively
 * @param required whether only a matching backend may run the request
 */
public record BackendChoice(String target, boolean required) {

    /** Checks and normalises the target. */
    public BackendChoice {
        Objects.requireNonNull(target, "target");
        target = target.strip().toLowerCase(Locale.ROOT);
        if (target.isEmpty()) {
            throw new IllegalArgumentException("a backend choice needs a backend name or browser family, got an "
                    + "empty one");
        }
    }

    /** @return a choice that runs requests only on backends matching {@code target} */
    public static BackendChoice require(String target) {
        return new BackendChoice(target, true);
    }

    /** @return a choice that runs requests on backends matching {@code target} when one is free */
    public static BackendChoice prefer(String target) {
        return new BackendChoice(target, false);
    }

    /**
     * @param backend a backend's name
     * @param family its browser family
     * @return whether the backend is the one asked for, or of the family asked for
     */
    public boolean matches(String backend, String family) {
        return target.equalsIgnoreCase(backend) || target.equalsIgnoreCase(family);
    }

    @Override
    public String toString() {
        return (required ? "required " : "preferred ") + target;
    }
}
