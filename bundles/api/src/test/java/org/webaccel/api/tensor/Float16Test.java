package org.webaccel.api.tensor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.Test;

public class Float16Test {

    private static int bits(float f) {
        return Float16.fromFloat(f) & 0xffff;
    }

    /** Decodes through the API's own FP16 reading, so both directions are checked against each other. */
    private static float back(short half) {
        byte[] b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(half).array();
        return Tensor.wrap(DType.FLOAT16, new long[] {1}, b).toFloats()[0];
    }

    @Test
    public void exactValuesKeepTheirBits() {
        assertEquals(0x3c00, bits(1f));
        assertEquals(0xc000, bits(-2f));
        assertEquals(0x7bff, bits(65504f));
        assertEquals(0x0001, bits(0x1p-24f));
        assertEquals(0x0400, bits(0x1p-14f));
        assertEquals(0x0000, bits(0f));
        assertEquals(0x8000, bits(-0f));
    }

    @Test
    public void roundsToNearestWithTiesToEven() {
        assertEquals("1 + 2^-11 is halfway: stays even", 0x3c00, bits(1f + 0x1p-11f));
        assertEquals("1 + 3 * 2^-11 is halfway: goes to even", 0x3c02, bits(1f + 3 * 0x1p-11f));
        assertEquals("just above halfway rounds up", 0x3c01, bits(1f + 0x1p-11f + 0x1p-20f));
        assertEquals("half the smallest subnormal is a tie to zero", 0x0000, bits(0x1p-25f));
        assertEquals("above it rounds to the smallest subnormal", 0x0001, bits(0x1.8p-25f));
    }

    @Test
    public void overflowBecomesInfinityAndNanStaysNan() {
        assertEquals(0x7c00, bits(65520f));
        assertEquals(0x7c00, bits(Float.POSITIVE_INFINITY));
        assertEquals(0xfc00, bits(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(back(Float16.fromFloat(Float.NaN))));
    }

    @Test
    public void everyHalfValueSurvivesTheRoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = back((short) h);
            if (!Float.isNaN(f)) {
                assertEquals("half 0x" + Integer.toHexString(h), h, bits(f));
            }
        }
    }
}
