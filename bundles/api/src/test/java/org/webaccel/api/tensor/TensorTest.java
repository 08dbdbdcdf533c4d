package org.webaccel.api.tensor;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.fail;

import java.nio.ByteOrder;
import java.util.List;
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
            assertEquals("unknown dtype 'complex64'; expected one of [float32, float16, int64, int32, int8, uint8, bool, "
                    + "float64, int16, uint16, uint32, uint64, string]",
                    e.getMessage());
        }
    }

    @Test
    public void stringTensorsHoldLengthPrefixedUtf8AndRoundTrip() {
        Tensor t = Tensor.ofStrings(new long[] {3}, "a", "", "größe ✓");
        assertArrayEquals(new String[] {"a", "", "größe ✓"}, t.toStrings());
        // 4 + 1, 4 + 0, 4 + 11 (ö, ß: 2 bytes; ✓: 3 bytes)
        assertEquals(5 + 4 + 4 + 11, t.byteSize());
        assertEquals(t, Tensor.wrap(DType.STRING, new long[] {3}, t.toByteArray()));
        assertEquals(0, Tensor.ofStrings(new long[] {0}).byteSize());
    }

    @Test
    public void malformedStringBytesAreRefusedWithWhatIsWrong() {
        byte[] ok = Tensor.ofStrings(new long[] {2}, "ab", "c").toByteArray();
        try {
            Tensor.wrap(DType.STRING, new long[] {3}, ok);
            fail();
        } catch (IllegalArgumentException e) {
            assertEquals("a string tensor of 3 elements ends after 2 of them (11 bytes)", e.getMessage());
        }
        try {
            Tensor.wrap(DType.STRING, new long[] {1}, ok);
            fail();
        } catch (IllegalArgumentException e) {
            assertEquals("a string tensor of 1 elements has 5 bytes after its last element", e.getMessage());
        }
        byte[] lying = ok.clone();
        lying[0] = 100;
        try {
            Tensor.wrap(DType.STRING, new long[] {2}, lying);
            fail();
        } catch (IllegalArgumentException e) {
            assertEquals("string element 0 claims 100 bytes but only 7 follow", e.getMessage());
        }
    }

    @Test
    public void everyIntegerTypeKeepsItsRangeAndReadsBackUnsigned() {
        long[] shape = {2};
        assertArrayEquals(new long[] {-32768, 32767}, Tensor.ofIntegers(DType.INT16, shape, -32768, 32767).toLongs());
        assertArrayEquals(new long[] {0, 65535}, Tensor.ofIntegers(DType.UINT16, shape, 0, 65535).toLongs());
        assertArrayEquals(new long[] {0, 4294967295L}, Tensor.ofIntegers(DType.UINT32, shape, 0, 4294967295L).toLongs());
        Tensor big = Tensor.ofIntegers(DType.UINT64, shape, 1, -1);
        assertEquals("18446744073709551615", Long.toUnsignedString(big.toLongs()[1]));
        assertEquals(1.8446744073709552e19, big.toDoubles()[1], 0);
        try {
            Tensor.ofIntegers(DType.UINT16, new long[] {1}, 65536);
            fail();
        } catch (IllegalArgumentException e) {
            assertEquals("65536 is outside the range of uint16 [0, 65535]", e.getMessage());
        }
        try {
            Tensor.ofIntegers(DType.FLOAT64, new long[] {1}, 1);
            fail();
        } catch (IllegalArgumentException e) {
            assertEquals("float64 is not an integer type", e.getMessage());
        }
    }

    @Test
    public void float64AndEmptyTensors() {
        Tensor d = Tensor.ofDoubles(new long[] {2}, 0.1, -1e300);
        assertArrayEquals(new double[] {0.1, -1e300}, d.toDoubles(), 0);
        assertEquals(16, d.byteSize());
        Tensor empty = Tensor.ofLongs(new long[] {0});
        assertEquals(0, empty.elementCount());
        assertEquals(0, empty.byteSize());
        assertEquals(0, Tensor.wrap(DType.FLOAT32, new long[] {3, 0}, new byte[0]).elementCount());
    }

    @Test
    public void theBuilderChecksEachValueAgainstTheType() {
        long[] two = {2};
        assertEquals(Tensor.ofDoubles(two, 1.5, 3), new TensorBuilder(DType.FLOAT64, two).addNumber(1.5).addInteger(3)
                .build());
        assertEquals(Tensor.ofStrings(two, "x", "ÿ"), new TensorBuilder(DType.STRING, two).addString("x")
                .addString("ÿ").build());
        Tensor u64 = new TensorBuilder(DType.UINT64, two).addInteger(7)
                .addInteger(new java.math.BigInteger("18446744073709551615")).build();
        assertEquals(List.of(7L, new java.math.BigInteger("18446744073709551615")), u64.values());
        assertEquals(List.of(true, false), new TensorBuilder(DType.BOOL, two).addBoolean(true).addBoolean(false)
                .build().values());
        refused(() -> new TensorBuilder(DType.INT16, two).addInteger(40000),
                "is out of the range of int16 [-32768, 32767]");
        refused(() -> new TensorBuilder(DType.UINT32, two).addInteger(-1),
                "is out of the range of uint32 [0, 4294967295]");
        refused(() -> new TensorBuilder(DType.UINT64, two).addInteger(-1),
                "is out of the range of uint64 [0, 18446744073709551615]");
        refused(() -> new TensorBuilder(DType.INT64, two).addInteger(new java.math.BigInteger("9223372036854775808")),
                "is out of the range of int64 [-9223372036854775808, 9223372036854775807]");
        refused(() -> new TensorBuilder(DType.INT32, two).addNumber(1.5), "is a number, but an element of int32 must be "
                + "an integer");
        refused(() -> new TensorBuilder(DType.STRING, two).addInteger(1), "is an integer, but an element of string must "
                + "be a string");
        refused(() -> new TensorBuilder(DType.BOOL, two).addString("true"), "is a string, but an element of bool must be "
                + "true or false");
        refused(() -> new TensorBuilder(DType.UINT8, new long[] {1}).addInteger(1).addInteger(2),
                "a tensor of shape [1] takes 1 elements; this is one more");
        refused(() -> new TensorBuilder(DType.UINT8, two).addInteger(1).build(), "shape [2] takes 2 elements; 1 were "
                + "given");
    }

    @Test
    public void theBuilderTakesValuesAsAParserGivesThem() {
        Tensor t = new TensorBuilder(DType.FLOAT64, new long[] {3}).add(1).add(2.5).add(java.math.BigInteger.TEN)
                .build();
        assertArrayEquals(new double[] {1, 2.5, 10}, t.toDoubles(), 0);
        assertEquals(List.of("a", true), List.of(new TensorBuilder(DType.STRING, new long[] {1}).add("a").build()
                .toStrings()[0], new TensorBuilder(DType.BOOL, new long[] {1}).add(true).build().values().get(0)));
        refused(() -> new TensorBuilder(DType.INT64, new long[] {1}).add(null), "is null, not a number, boolean or "
                + "string");
        refused(() -> new TensorBuilder(DType.INT64, new long[] {1}).add(new Object()), "is of class java.lang.Object, not a number, "
                + "boolean or string");
    }

    private static void refused(Runnable r, String message) {
        try {
            r.run();
            fail("accepted; expected " + message);
        } catch (IllegalArgumentException e) {
            assertEquals(message, e.getMessage());
        }
    }
}
