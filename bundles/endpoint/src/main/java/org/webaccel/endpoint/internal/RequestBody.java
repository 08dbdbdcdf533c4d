package org.webaccel.endpoint.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body into memory, bounded: tensors go to the pool as byte arrays anyway. */
final class RequestBody {

    private RequestBody() {
    }

    /**
     * @param request the request
     * @param maxBytes the largest body accepted
     * @return the body
     * @throws ProtocolException (413) when the body is larger than {@code maxBytes}
     * @throws IOException if the client went away while sending
     */
    static byte[] read(HttpServletRequest request, int maxBytes) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(declared + " bytes", maxBytes);
        }
        try (InputStream in = request.getInputStream()) {
            // One byte past the limit tells a body without Content-Length that is too large from one that fits.
            byte[] body = in.readNBytes(maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge("more than " + maxBytes + " bytes", maxBytes);
            }
            return body;
        }
    }

    private static ProtocolException tooLarge(String size, int maxBytes) {
        return new ProtocolException(413, "the request body has " + size + ", over the limit of " + maxBytes
                + " bytes (maxRequestBytes of configuration org.webaccel.endpoint)");
    }
}
