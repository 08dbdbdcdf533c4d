package org.webaccel.pool.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.webaccel.api.BackendChoice;
import org.webaccel.api.BackendStatus;
import org.webaccel.api.BackendUnavailableException;
import org.webaccel.api.InvalidInputException;

/** Checks a request's backend choice against the backends the pool has, before the request is queued. */
final class BackendChoices {
    private BackendChoices() {
    }

    /**
     * @param choice the request's choice, or null for any backend
     * @param backends every backend the pool knows of
     * @throws InvalidInputException when no backend has that name or family (a typo must not pass unnoticed)
     * @throws BackendUnavailableException when the choice is required and every matching backend is unavailable
     *         or drained, with each one's reason
     */
    static void check(BackendChoice choice, List<BackendStatus> backends) {
        if (choice == null) {
            return;
        }
        List<String> refusals = new ArrayList<>();
        boolean known = false;
        for (BackendStatus b : backends) {
            if (!choice.matches(b.description().name(), b.description().family())) {
                continue;
            }
            known = true;
            if (b.available() && !b.draining()) {
                return;
            }
            refusals.add(b.description().name() + " is " + b.state()
                    + (b.unavailableReason() == null ? "" : ": " + b.unavailableReason()));
        }
        if (!known) {
            TreeSet<String> names = new TreeSet<>();
            backends.forEach(b -> {
                names.add(b.description().name());
                names.add(b.description().family());
            });
            throw new InvalidInputException("no backend named '" + choice.target() + "' and none of that browser "
                    + "family; backends and families here: " + names);
        }
        if (choice.required()) {
            throw new BackendUnavailableException(choice.target(), "the request requires backend "
                    + choice.target() + ", which cannot take it now: " + String.join("; ", refusals));
        }
    }
}
