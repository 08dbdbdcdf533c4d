package org.webaccel.api.tensors;

import org.webaccel.api.InvalidInputException;

/**
 * A request referenced a shared tensor that no page holds (any more): it was evicted, released and deleted, its
 * page closed, or the id never existed. Never retried: the tensor must be computed again.
 */
public class TensorGoneException extends InvalidInputException {
    private static final long serialVersionUID = 1L;
    private final String tensorId;

    /**
     * @param tensorId the id that was referenced
     * @param message why it is gone, in terms the caller can act on
     */
    public TensorGoneException(String tensorId, String message) {
        super(message);
        this.tensorId = tensorId;
    }

    /** @return the id that was referenced */
    public String tensorId() {
        return tensorId;
    }
}
