package org.webaccel.endpoint.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import org.junit.Test;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

public class JsonTensorDataTest {
    private final ObjectMapper json = new ObjectMapper();

    private Tensor read(DType type, long[] shape, String data) throws Exception {
        return JsonTensorData.read("x", type, shape, json.readTree(data));
    }

    private String write(Tensor t) throws Exception {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            JsonTensorData.write(g, t);
        }
        return out.toString();
    }

    private ProtocolException refused(DType type, long[] shape, String data) {
        return assertThrows(ProtocolException.class, () -> read(type, shape, data));
    }

    @Test
    public void readsEveryDatatypeRowMajor() throws Exception {
        long[] two = {2};
        assertArrayEquals(new float[] {1.5f, -2f}, read(DType.FLOAT32, two, "[1.5, -2]").toFloats(), 0f);
        assertArrayEquals(new float[] {0.5f, 65504f}, read(DType.FLOAT16, two, "[0.5, 65504]").toFloats(), 0f);
        assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MAX_VALUE},
                read(DType.INT64, two, "[-9223372036854775808, 9223372036854775807]").toLongs());
        assertArrayEquals(new long[] {-2147483648L, 7}, read(DType.INT32, two, "[-2147483648, 7]").toLongs());
        assertArrayEquals(new long[] {-128, 127}, read(DType.INT8, two, "[-128, 127]").toLongs());
        assertArrayEquals(new long[] {0, 255}, read(DType.UINT8, two, "[0, 255]").toLongs());
        assertArrayEquals(new long[] {1, 0}, read(DType.BOOL, two, "[true, false]").toLongs());
        assertArrayEquals(new double[] {0.1, -1e300}, read(DType.FLOAT64, two, "[0.1, -1e300]").toDoubles(), 0);
        assertArrayEquals(new long[] {-32768, 32767}, read(DType.INT16, two, "[-32768, 32767]").toLongs());
        assertArrayEquals(new long[] {0, 65535}, read(DType.UINT16, two, "[0, 65535]").toLongs());
        assertArrayEquals(new long[] {0, 4294967295L}, read(DType.UINT32, two, "[0, 4294967295]").toLongs());
        assertEquals(-1L, read(DType.UINT64, two, "[0, 18446744073709551615]").toLongs()[1]);
        assertArrayEquals(new String[] {"héllo", ""}, read(DType.STRING, two, "[\"héllo\", \"\"]").toStrings());
        assertEquals(0, read(DType.FLOAT32, new long[] {2, 0}, "[]").elementCount());
        assertEquals(0, read(DType.STRING, new long[] {0}, "[[]]").elementCount());
    }

    @Test
    public void nestedArraysAreReadInRowMajorOrder() throws Exception {
        Tensor t = read(DType.INT64, new long[] {2, 3}, "[[1, 2, 3], [4, 5, 6]]");
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6}, t.toLongs());
        assertArrayEquals(new long[] {2, 3}, t.shape());
    }

    @Test
    public void refusesDataThatDoesNotFillTheShape() {
        assertEquals("input 'x' (FP32) has shape [2, 2] (4 elements) but its data holds 3 values",
                refused(DType.FLOAT32, new long[] {2, 2}, "[1, 2, 3]").getMessage());
    }

    @Test
    public void refusesValuesOfTheWrongKindNamingTheElement() {
        assertEquals("input 'x' (INT64): data[1] = 1.5 is a number, but an element of int64 must be an integer",
                refused(DType.INT64, new long[] {2}, "[1, 1.5]").getMessage());
        assertEquals("input 'x' (UINT8): data[0] = 256 is out of the range of uint8 [0, 255]",
                refused(DType.UINT8, new long[] {1}, "[256]").getMessage());
        assertEquals("input 'x' (INT8): data[0] = -129 is out of the range of int8 [-128, 127]",
                refused(DType.INT8, new long[] {1}, "[-129]").getMessage());
        assertEquals("input 'x' (INT32): data[0] = 2147483648 is out of the range of int32 "
                + "[-2147483648, 2147483647]",
                refused(DType.INT32, new long[] {1}, "[2147483648]").getMessage());
        assertEquals("input 'x' (FP32): data[0] = \"a\" is a string, but an element of float32 must be a number",
                refused(DType.FLOAT32, new long[] {1}, "[\"a\"]").getMessage());
        assertEquals("input 'x' (BOOL): data[0] = 1 is an integer, but an element of bool must be true or false",
                refused(DType.BOOL, new long[] {1}, "[1]").getMessage());
        assertEquals("input 'x' (FP32): data must be an array, got NUMBER",
                refused(DType.FLOAT32, new long[] {1}, "1").getMessage());
        assertEquals(400, refused(DType.INT64, new long[] {1}, "[1e30]").status());
    }

    @Test
    public void refusesAShapeNoTensorCanHold() {
        ProtocolException e = refused(DType.FLOAT32, new long[] {1 << 20, 1 << 20}, "[]");
        assertEquals(400, e.status());
        assertEquals("input 'x' has shape [1048576, 1048576]: shape [1048576, 1048576] has too many elements",
                e.getMessage());
    }

    @Test
    public void writesFlatArraysOfNumbersOrBooleans() throws Exception {
        assertEquals("[0.25,-1.0]", write(Tensor.ofFloats(new long[] {1, 2}, 0.25f, -1f)));
        assertEquals("[3,-4]", write(Tensor.ofLongs(new long[] {2}, 3, -4)));
        assertEquals("[255]", write(Tensor.wrap(DType.UINT8, new long[] {1}, new byte[] {(byte) 255})));
        assertEquals("[true,false]", write(Tensor.wrap(DType.BOOL, new long[] {2}, new byte[] {1, 0})));
        assertEquals("[1.5]", write(Tensor.wrap(DType.FLOAT16, new long[] {1}, new byte[] {0x00, 0x3e})));
        assertEquals("[\"a\",\"\\\"b\\\"\"]", write(Tensor.ofStrings(new long[] {2}, "a", "\"b\"")));
        assertEquals("[18446744073709551615]", write(Tensor.ofIntegers(DType.UINT64, new long[] {1}, -1)));
        assertEquals("[0.1]", write(Tensor.ofDoubles(new long[] {1}, 0.1)));
    }

    @Test
    public void whatIsWrittenReadsBackToTheSameTensor() throws Exception {
        for (DType type : DType.values()) {
            if (type == DType.STRING) {
                continue; // no fixed size: strings are checked below
            }
            byte[] bytes = new byte[4 * type.byteSize()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (type == DType.BOOL ? i % 2 : i * 37 + 1);
            }
            Tensor t = Tensor.wrap(type, new long[] {2, 2}, bytes);
            JsonNode data = json.readTree(write(t));
            assertEquals(type.toString(), t, JsonTensorData.read("x", type, t.shape(), data));
        }
        Tensor strings = Tensor.ofStrings(new long[] {2, 2}, "", "ä", "\u0000", "\uD83D\uDE00");
        assertEquals(strings, JsonTensorData.read("x", DType.STRING, strings.shape(), json.readTree(write(strings))));
    }
}
