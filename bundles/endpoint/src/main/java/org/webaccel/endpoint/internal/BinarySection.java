package org.webaccel.endpoint.internal;

import java.util.Arrays;

/** The raw bytes after the JSON part of a request, handed out to the inputs that declare a binary_data_size. */
final class BinarySection {
    private final byte[] body;
    private final int start;
    private final boolean announced;
    private int position;

    /**
     * @param body the whole request body
     * @param start where the binary part begins
     * @param announced whether the request carried an Inference-Header-Content-Length header
     */
    BinarySection(byte[] body, int start, boolean announced) {
        this.body = body;
        this.start = start;
        this.announced = announced;
        this.position = start;
    }

    /**
     * @param input the input taking the bytes, for messages
     * @param length how many bytes it takes
     * @return a copy of the next {@code length} bytes
     * @throws ProtocolException (400) when the request has no binary part or not enough of it is left
     */
    byte[] take(String input, int length) {
        if (!announced) {
            throw ProtocolException.badRequest("input '" + input + "' declares binary_data_size but the request has "
                    + "no Inference-Header-Content-Length header saying where the JSON ends");
        }
        if (length > body.length - position) {
            throw ProtocolException.badRequest("input '" + input + "' needs " + length + " bytes of binary data but "
                    + "only " + (body.length - position) + " are left after the JSON header");
        }
        byte[] bytes = Arrays.copyOfRange(body, position, position + length);
        position += length;
        return bytes;
    }

    /** @throws ProtocolException (400) when bytes are left over: the sizes and the data disagree */
    void checkAllUsed() {
        if (position != body.length) {
            throw ProtocolException.badRequest("the request carries " + (body.length - start) + " bytes of binary "
                    + "data but its inputs' binary_data_size values add up to " + (position - start));
        }
    }
}
