package org.webaccel.distribution;

/**
 * The distribution cannot be assembled as the features describe it. The message says which feature file and
 * entry are wrong and what to change.
 */
public class AssemblyException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and how to fix it
     */
    public AssemblyException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and how to fix it
     * @param cause   the failure underneath
     */
    public AssemblyException(String message, Throwable cause) {
        super(message, cause);
    }
}
