package org.webaccel.bridge.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

/**
 * The binary frame format shared with worker.js:
 * {@code [u32 LE header length][header JSON][pad to 8][tensors, each at an 8-aligned offset]}.
 * Offsets in the header count from the start of the frame, so the page views tensors in place.
 */
final class FrameCodec {
    private static final byte[][] PADDING = new byte[8][];

    static {
        for (int i = 0; i < 8; i++) {
            PADDING[i] = new byte[i];
        }
    }

    private final ObjectMapper json;
    private final int maxFrameBytes;

    FrameCodec(ObjectMapper json, int maxFrameBytes) {
        this.json = json;
        this.maxFrameBytes = maxFrameBytes;
    }

    static int align8(long n) {
        return (int) ((n + 7) & ~7L);
    }

    /**
     * Builds a request frame. The tensor bytes are wrapped, not copied.
     *
     * @param header the request header without the tensor list
     * @param tensors the input tensors
     * @return the frame
     * @throws IllegalArgumentException when the frame would exceed the bridge's frame limit
     */
    ByteBuf encode(ObjectNode header, Map<String, Tensor> tensors) {
        List<Tensor> list = new ArrayList<>(tensors.values());
        List<String> names = new ArrayList<>(tensors.keySet());
        byte[] headerBytes = null;
        int[] offsets = new int[list.size()];
        int guess = 0;
        long total;
        // The header holds the offsets and its own length decides where they start: iterate to a fixed point.
        while (true) {
            long pos = align8(4L + guess);
            ArrayNode specs = header.putArray("inputs");
            for (int i = 0; i < list.size(); i++) {
                Tensor t = list.get(i);
                offsets[i] = (int) pos;
                ObjectNode s = specs.addObject();
                s.put("name", names.get(i));
                s.put("dtype", t.dtype().wireName());
                ArrayNode shape = s.putArray("shape");
                for (long d : t.shape()) {
                    shape.add(d);
                }
                s.put("offset", pos);
                s.put("length", t.byteSize());
                pos = align8(pos + t.byteSize());
            }
            total = pos;
            headerBytes = bytes(header);
            if (align8(4L + headerBytes.length) == align8(4L + guess)) {
                break;
            }
            guess = headerBytes.length;
        }
        if (total > maxFrameBytes) {
            throw new IllegalArgumentException("request frame of " + total + " bytes exceeds the bridge's limit of "
                    + maxFrameBytes + " bytes");
        }
        List<ByteBuf> parts = new ArrayList<>();
        ByteBuf head = Unpooled.buffer(4);
        head.writeIntLE(headerBytes.length);
        parts.add(head);
        parts.add(Unpooled.wrappedBuffer(headerBytes));
        long pos = 4L + headerBytes.length;
        for (int i = 0; i < list.size(); i++) {
            parts.add(Unpooled.wrappedBuffer(PADDING[(int) (offsets[i] - pos)]));
            Tensor t = list.get(i);
            // Netty's composite wants one byte order; order only affects multi-byte reads, not the bytes sent.
            parts.add(Unpooled.wrappedBuffer(t.buffer().order(ByteOrder.BIG_ENDIAN)));
            pos = offsets[i] + (long) t.byteSize();
        }
        parts.add(Unpooled.wrappedBuffer(PADDING[(int) (total - pos)]));
        return Unpooled.wrappedUnmodifiableBuffer(parts.toArray(ByteBuf[]::new));
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a frame header", e);
        }
    }

    /** A decoded result frame: its header and the output tensors, copied out of the frame. */
    record Decoded(JsonNode header, Map<String, Tensor> tensors) {
    }

    /**
     * Decodes a frame whose header lists its tensors under {@code field}.
     *
     * @param frame the frame; not released here
     * @param field {@code outputs} for result frames
     * @return header and tensors
     * @throws IOException when the frame is malformed, naming what is wrong
     */
    Decoded decode(ByteBuf frame, String field) throws IOException {
        int size = frame.readableBytes();
        if (size < 4) {
            throw new IOException("frame of " + size + " bytes has no header length");
        }
        int base = frame.readerIndex();
        long headerLength = frame.getUnsignedIntLE(base);
        if (headerLength > size - 4) {
            throw new IOException("header length " + headerLength + " exceeds the frame of " + size + " bytes");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        frame.getBytes(base + 4, headerBytes);
        JsonNode header = json.readTree(headerBytes);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (JsonNode t : header.path(field)) {
            String name = t.path("name").asText();
            DType dtype;
            try {
                dtype = DType.of(t.path("dtype").asText());
            } catch (IllegalArgumentException e) {
                throw new IOException("tensor '" + name + "': " + e.getMessage());
            }
            long[] shape = new long[t.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.path("shape").get(i).asLong();
            }
            long offset = t.path("offset").asLong(-1);
            long length = t.path("length").asLong(-1);
            if (offset < 4 + headerLength || length < 0 || offset + length > size) {
                throw new IOException("tensor '" + name + "' lies outside the frame (offset " + offset + ", length "
                        + length + ", frame " + size + " bytes)");
            }
            byte[] data = new byte[(int) length];
            frame.getBytes(base + (int) offset, data);
            try {
                tensors.put(name, Tensor.wrap(dtype, shape, data));
            } catch (IllegalArgumentException e) {
                throw new IOException("tensor '" + name + "': " + e.getMessage());
            }
        }
        return new Decoded(header, tensors);
    }
}
