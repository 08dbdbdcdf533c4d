package org.webaccel.bridge.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

public class FrameCodecTest {
    private final ObjectMapper json = new ObjectMapper();
    private final FrameCodec codec = new FrameCodec(json, 1 << 20);

    /** Silero VAD's inputs: a scalar int64 sample rate between float tensors. */
    @Test
    public void aRankZeroTensorTravelsWithAnEmptyShapeAndOneElement() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("input", Tensor.ofFloats(new long[] {1, 3}, 0.5f, -0.25f, 1f));
        in.put("sr", Tensor.ofLongs(new long[0], 16000));
        in.put("h", Tensor.ofFloats(new long[] {2, 1, 1}, 1f, 2f));
        ByteBuf frame = codec.encode(json.createObjectNode().put("id", 7), in);
        try {
            FrameCodec.Decoded d = codec.decode(frame, "inputs");
            JsonNode sr = d.header().path("inputs").get(1);
            assertEquals("sr", sr.path("name").asText());
            assertEquals("int64", sr.path("dtype").asText());
            assertTrue("shape must be an empty list, as ort.Tensor takes it: " + sr, sr.path("shape").isArray()
                    && sr.path("shape").isEmpty());
            assertEquals(8, sr.path("length").asInt());
            assertEquals(0, sr.path("offset").asInt() % 8);
            assertEquals(in, d.tensors());
            assertArrayEquals(new long[0], d.tensors().get("sr").shape());
            assertArrayEquals(new long[] {16000}, d.tensors().get("sr").toLongs());
        } finally {
            frame.release();
        }
    }

    /** Every element type, strings and empty tensors travel as they are, each at an 8-aligned offset. */
    @Test
    public void everyElementTypeAndEmptyTensorsRoundTrip() throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("d", Tensor.ofDoubles(new long[] {2}, 0.1, -3));
        in.put("s", Tensor.ofStrings(new long[] {3}, "a", "", "größe"));
        in.put("i16", Tensor.ofIntegers(DType.INT16, new long[] {3}, -1, 2, 3));
        in.put("u16", Tensor.ofIntegers(DType.UINT16, new long[] {1}, 65535));
        in.put("u32", Tensor.ofIntegers(DType.UINT32, new long[] {1}, 4294967295L));
        in.put("u64", Tensor.ofIntegers(DType.UINT64, new long[] {1}, -1));
        in.put("empty", Tensor.ofFloats(new long[] {0, 4}));
        in.put("axes", Tensor.ofLongs(new long[] {0}));
        ByteBuf frame = codec.encode(json.createObjectNode().put("id", 8), in);
        try {
            FrameCodec.Decoded d = codec.decode(frame, "inputs");
            assertEquals(in, d.tensors());
            for (JsonNode t : d.header().path("inputs")) {
                assertEquals(t.toString(), 0, t.path("offset").asInt() % 8);
            }
        } finally {
            frame.release();
        }
    }

    @Test
    public void aScalarOutputWhoseLengthIsNotOneElementIsRefused() {
        ObjectNode header = json.createObjectNode();
        // 16 bytes at offset 256, well past the short header
        header.putArray("outputs").addObject().put("name", "sr").put("dtype", DType.INT64.wireName())
                .put("offset", 256).put("length", 16).putArray("shape");
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuf frame = Unpooled.buffer();
        frame.writeIntLE(h.length).writeBytes(h).writeZero(256 + 16 - 4 - h.length);
        try {
            codec.decode(frame, "outputs");
            fail("a scalar of 16 bytes was accepted");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("tensor 'sr'") && e.getMessage().contains("[]"));
        } finally {
            frame.release();
        }
    }
}
