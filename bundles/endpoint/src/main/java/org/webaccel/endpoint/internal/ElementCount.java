package org.webaccel.endpoint.internal;

import java.util.Arrays;
import org.webaccel.api.tensor.Tensor;

/** The element count of a shape the client sent, refused with a 400 rather than thrown as a bug. */
final class ElementCount {

    private ElementCount() {
    }

    /**
     * @param shape the dimensions
     * @param input the input's name, for the message
     * @return the product of the dimensions
     * @throws ProtocolException (400) for a negative dimension or more elements than one tensor can hold
     */
    static long of(long[] shape, String input) {
        try {
            return Tensor.elementCount(shape);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ProtocolException.badRequest("input '" + input + "' has shape " + Arrays.toString(shape) + ": "
                    + e.getMessage());
        }
    }
}
