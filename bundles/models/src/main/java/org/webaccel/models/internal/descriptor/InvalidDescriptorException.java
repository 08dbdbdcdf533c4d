package org.webaccel.models.internal.descriptor;

/**
 * A descriptor that cannot be used, with the file it came from and what is wrong in terms a user can
 * fix, e.g. {@code models/x/1/descriptor.json: inputs[0].dtype: unknown dtype 'float'; expected one of ...}.
 */
public final class InvalidDescriptorException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String problem;

    /**
     * @param source the file or resource the descriptor came from
     * @param problem what is wrong, starting with the JSON path of the offending field where there is one
     */
    public InvalidDescriptorException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
        this.problem = problem;
    }

    /** @return the file or resource the descriptor came from */
    public String source() {
        return source;
    }

    /** @return what is wrong, without the source */
    public String problem() {
        return problem;
    }
}
