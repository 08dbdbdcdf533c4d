package org.webaccel.bridge;

/** The page reported an error while loading or running a model. */
public class PageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String stage;

    /**
     * @param stage {@code load} when creating the session failed, {@code run} when running it did
     * @param message the page's own error message
     */
    public PageException(String stage, String message) {
        super(message);
        this.stage = stage;
    }

    /** @return {@code load} or {@code run} */
    public String stage() {
        return stage;
    }
}
