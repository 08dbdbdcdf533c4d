package org.webaccel.shell.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.InvalidInputException;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Float16;
import org.webaccel.api.tensor.Tensor;

public class InputFactoryTest {
    private static final ModelDescriptor MODEL = new ModelDescriptor("enc", "1", ModelType.TEXT_EMBEDDING, "",
            List.of(new TensorSpec("ids", DType.INT64, List.of(Dim.symbolic("batch"), Dim.symbolic("seq")),
                    new long[] {0, 99}), TensorSpec.of("x", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(3))),
            List.of(), Map.of("seq", 5L));
    private final InputFactory factory = new InputFactory();

    @Test
    public void randomInputsFollowTheSignatureAndAreReproducible() {
        Map<String, Tensor> a = factory.random(MODEL, 7);
        assertArrayEquals(new long[] {1, 5}, a.get("ids").shape());
        assertArrayEquals(new long[] {1, 3}, a.get("x").shape());
        for (long id : a.get("ids").toLongs()) {
            assertTrue(id >= 0 && id <= 99);
        }
        for (float v : a.get("x").toFloats()) {
            assertTrue(v >= -1 && v <= 1);
        }
        assertEquals(a, factory.random(MODEL, 7));
        assertTrue(!a.equals(factory.random(MODEL, 8)));
    }

    @Test
    public void readsJsonInputsWithTheModelsDtypes() throws Exception {
        Path f = Files.createTempFile("in", ".json");
        Files.writeString(f, "{\"ids\": {\"shape\": [1, 2], \"data\": [3, 4]},"
                + " \"x\": {\"dtype\": \"float32\", \"shape\": [1, 3], \"data\": [0.5, -1, 2]}}");
        Map<String, Tensor> in = factory.fromFile(MODEL, f);
        assertEquals(Tensor.ofLongs(new long[] {1, 2}, 3, 4), in.get("ids"));
        assertEquals(Tensor.ofFloats(new long[] {1, 3}, 0.5f, -1f, 2f), in.get("x"));
    }

    private void expect(String content, String message) throws Exception {
        Path f = Files.createTempFile("in", ".json");
        Files.writeString(f, content);
        try {
            factory.fromFile(MODEL, f);
            fail("accepted " + content);
        } catch (InvalidInputException e) {
            assertEquals(message.replace("FILE", f.toString()), e.getMessage());
        }
    }

    @Test
    public void malformedFilesGetSpecificErrors() throws Exception {
        expect("{\"ids\": ", "input file FILE is not valid JSON: Unexpected end-of-input within/between Object "
                + "entries at line 1, column 9");
        expect("[1, 2]", "inputs in FILE must be a JSON object of inputs by name");
        expect("{\"ids\": {\"shape\": [2], \"data\": [1]}}",
                "input 'ids' in FILE: shape [2] needs 2 values, data has 1");
        expect("{\"ids\": {\"shape\": [1], \"data\": [\"a\"]}}", "input 'ids' in FILE: data[0] = \"a\" is a string, "
                + "but an element of int64 must be an integer");
        expect("{\"ids\": {\"dtype\": \"uint16\", \"shape\": [1], \"data\": [70000]}}",
                "input 'ids' in FILE: data[0] = 70000 is out of the range of uint16 [0, 65535]");
        expect("{\"ids\": {\"dtype\": \"complex64\", \"shape\": [1], \"data\": [1]}}",
                "input 'ids' in FILE: unknown dtype 'complex64'; expected one of "
                        + "[float32, float16, int64, int32, int8, uint8, bool, float64, int16, uint16, uint32, uint64, "
                        + "string]");
        expect("{\"ids\": {\"data\": [1]}}", "input 'ids' in FILE needs \"shape\" and \"data\" arrays");
    }

    @Test
    public void readsEveryTypeEmptyTensorsAndRandomStrings() throws Exception {
        Path f = Files.createTempFile("in", ".json");
        Files.writeString(f, "{\"a\": {\"dtype\": \"float64\", \"shape\": [2], \"data\": [0.1, 2]},"
                + " \"b\": {\"dtype\": \"string\", \"shape\": [1], \"data\": [\"hé\"]},"
                + " \"c\": {\"dtype\": \"uint64\", \"shape\": [1], \"data\": [18446744073709551615]},"
                + " \"d\": {\"dtype\": \"bool\", \"shape\": [2], \"data\": [1, false]},"
                + " \"e\": {\"dtype\": \"int16\", \"shape\": [0, 3], \"data\": []}}");
        Map<String, Tensor> in = factory.fromFile(MODEL, f);
        assertEquals(Tensor.ofDoubles(new long[] {2}, 0.1, 2), in.get("a"));
        assertEquals(Tensor.ofStrings(new long[] {1}, "hé"), in.get("b"));
        assertEquals(Tensor.ofIntegers(DType.UINT64, new long[] {1}, -1), in.get("c"));
        assertEquals(List.of(true, false), in.get("d").values());
        assertEquals(0, in.get("e").elementCount());
        ModelDescriptor words = new ModelDescriptor("w", "1", ModelType.UNKNOWN, "",
                List.of(TensorSpec.of("s", DType.STRING, Dim.of(3))), List.of(), Map.of());
        for (String w : factory.random(words, 1).get("s").toStrings()) {
            assertTrue(w, w.matches("w[0-9]"));
        }
    }

    @Test
    public void halfPrecisionRoundsToNearest() {
        assertEquals(0x3c00, Float16.fromFloat(1f));
        assertEquals((short) 0xc000, Float16.fromFloat(-2f));
        assertEquals(0x7c00, Float16.fromFloat(1e6f));
        assertEquals(0x3555, Float16.fromFloat(1f / 3));
    }
}
