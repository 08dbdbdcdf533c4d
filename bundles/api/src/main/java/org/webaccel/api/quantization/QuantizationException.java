package org.webaccel.api.quantization;

/**
 * A quantization that could not be done: unknown model, nothing to quantize, a name that is taken, a budget
 * no plan can meet. Nothing was written to the repository.
 */
public class QuantizationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public QuantizationException(String message) {
        super(message);
    }

    /** @param message what went wrong; @param cause the underlying error */
    public QuantizationException(String message, Throwable cause) {
        super(message, cause);
    }
}
