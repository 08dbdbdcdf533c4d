package org.webaccel.api.tensor;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.fail;

import java.nio.ByteOrder;
import org.junit.Test;

public class TensorTest {

    @Test
    public void storesElementsLittleEndianAndReadsThemBack() {
        Tensor t = Tensor.ofFloats(new long[] {2, 2}, 1f, -2f, 3.5f, 0f);
        assertEquals(ByteOrder.LITTLE_ENDIAN, t.buffer().order());
        assertEquals(0x3f800000, t.buffer().getInt(0));
        assertEquals(0x00, t.toByteArray()[0]);
        assertEquals((byte) 0x3f, t.toByteArray()[3]);
        assertArrayEquals(new float[] {1f, -2f, 3.5f, 0f}, t.toFloats(), 0f);
        assertArrayEquals(new long[] {-5, 7}, Tensor.ofLongs(new long[] {2}, -5, 7).toLongs());
        assertArrayEquals(new long[] {-5, 7}, Tensor.ofInts(new long[] {2}, -5, 7).toLongs());
        assertArrayEquals(new long[] {255, 1}, Tensor.wrap(DType.UINT8, new long[] {2}, new byte[] {-1, 1}).toLongs());
        assertArrayEquals(new long[] {-1, 1}, Tensor.wrap(DType.INT8, new long[] {2}, new byte[] {-1, 1}).toLongs());
    }

    @Test
    public void refusesBytesThatDoNotFitTheShape() {
        try {
            Tensor.wrap(DType.FLOAT32, new long[] {2, 3}, new byte[20]);
            fail();
        } catch (IllegalArgumentException e) {
            assertEquals("a float32 tensor of shape [2, 3] needs 24 bytes, got 20", e.getMessage());
        }
        try {
            Tensor.ofFloats(new long[] {-1}, 1f);
            fail();
        } catch (IllegalArgumentException e) {
            assertEquals("negative dimension in shape [-1]", e.getMessage());
        }
    }

    @Test
    public void decodesHalfPrecision() {
        assertEquals(1f, Float16.toFloat((short) 0x3c00), 0f);
        assertEquals(-2f, Float16.toFloat((short) 0xc000), 0f);
        assertEquals(65504f, Float16.toFloat((short) 0x7bff), 0f);
        assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001), 0f);
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat((short) 0x7c00), 0f);
        assertEquals(Float.NaN, Float16.toFloat((short) 0x7e00), 0f);
        Tensor h = Tensor.wrap(DType.FLOAT16, new long[] {2}, new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0});
        assertArrayEquals(new float[] {1f, -2f}, h.toFloats(), 0f);
    }

    @Test
    public void equalityIsByTypeShapeAndBytes() {
        assertEquals(Tensor.ofFloats(new long[] {2}, 1, 2), Tensor.ofFloats(new long[] {2}, 1, 2));
        assertNotEquals(Tensor.ofFloats(new long[] {2}, 1, 2), Tensor.ofFloats(new long[] {1, 2}, 1, 2));
        assertNotEquals(Tensor.ofInts(new long[] {1}, 0), Tensor.ofFloats(new long[] {1}, 0));
    }

    @Test
    public void dtypeNamesParseAndUnknownOnesAreListed() {
        assertEquals(DType.INT64, DType.of(" INT64 "));
        try {
            DType.of("complex64");
            fail();
        } catch (IllegalArgumentException e) {
            assertEquals("unknown dtype 'complex64'; expected one of [float32, float16, int64, int32, int8, uint8, bool]",
                    e.getMessage());
        }
    }
}
