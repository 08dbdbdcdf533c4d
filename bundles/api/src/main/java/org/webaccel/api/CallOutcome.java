package org.webaccel.api;

/**
 * How one call of a list given to {@link ResourcePool#inferAll} ended: with its result or with its error, never
 * both.
 *
 * @param index the call's position in the list
 * @param result the result, or null when the call failed
 * @param error the error, or null when the call succeeded
 */
public record CallOutcome(int index, InferenceResult result, InferenceException error) {

    /** Checks that exactly one of result and error is set. */
    public CallOutcome {
        if ((result == null) == (error == null)) {
            throw new IllegalArgumentException("an outcome has either a result or an error, got "
                    + (result == null ? "neither" : "both"));
        }
    }

    /** @return whether the call succeeded */
    public boolean succeeded() {
        return result != null;
    }
}
