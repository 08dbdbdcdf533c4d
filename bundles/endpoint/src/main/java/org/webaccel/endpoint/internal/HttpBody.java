package org.webaccel.endpoint.internal;

/**
 * A response body ready to send.
 *
 * @param bytes the body
 * @param contentType its media type
 * @param jsonHeaderLength the length of the JSON part when binary tensor data follows it (the
 *        {@code Inference-Header-Content-Length} header), or -1 when the body is JSON only
 */
record HttpBody(byte[] bytes, String contentType, int jsonHeaderLength) {

    /** The media type of a JSON body. */
    static final String JSON = "application/json";
    /** The media type of a JSON header followed by binary tensor data. */
    static final String BINARY = "application/octet-stream";
}
