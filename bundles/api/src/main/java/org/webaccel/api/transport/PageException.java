package org.webaccel.api.transport;

/** The page reported an error while loading or running a model. */
public class PageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String stage;
    private final String errorName;

    /**
     * @param stage {@code load} when creating the session failed, {@code run} when running it did
     * @param message the page's own error message
     */
    public PageException(String stage, String message) {
        this(stage, "", message);
    }

    /**
     * @param stage {@code load} when creating the session failed, {@code run} when running it did
     * @param errorName the JavaScript error's name, e.g. {@code RangeError}, or empty
     * @param message the page's own error message
     */
    public PageException(String stage, String errorName, String message) {
        super(message);
        this.stage = stage;
        this.errorName = errorName == null ? "" : errorName;
    }

    /** @return the JavaScript error's name, e.g. {@code RangeError}; empty when the page did not say */
    public String errorName() {
        return errorName;
    }

    /** @return {@code load} or {@code run} */
    public String stage() {
        return stage;
    }
}
