package org.webaccel.models.internal.descriptor;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;

public class DescriptorFormatTest {
    private static final String VALID = """
            {
              "name": "m",
              "version": "1",
              "type": "text-embedding",
              "description": "d",
              "inputs": [ { "name": "ids", "dtype": "int64", "shape": ["batch", "sequence"], "valueRange": [0, 9] } ],
              "outputs": [ { "name": "out", "dtype": "float32", "shape": ["batch", 8] } ],
              "exampleDims": { "batch": 1, "sequence": 4 }
            }
            """;

    private final DescriptorFormat format = new DescriptorFormat();

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void readsEveryField() throws Exception {
        ModelDescriptor d = format.parse("x.json", VALID.getBytes(StandardCharsets.UTF_8));
        assertEquals("m", d.name());
        assertEquals("1", d.version());
        assertEquals(ModelType.TEXT_EMBEDDING, d.type());
        assertEquals("d", d.description());
        TensorSpec ids = d.inputs().get(0);
        assertEquals("ids", ids.name());
        assertEquals(DType.INT64, ids.dtype());
        assertEquals(List.of(Dim.symbolic("batch"), Dim.symbolic("sequence")), ids.shape());
        assertArrayEquals(new long[] {0, 9}, ids.valueRange());
        TensorSpec out = d.outputs().get(0);
        assertEquals(List.of(Dim.symbolic("batch"), Dim.of(8)), out.shape());
        assertNull(out.valueRange());
        assertEquals(Map.of("batch", 1L, "sequence", 4L), d.exampleDims());
    }

    @Test
    public void writeThenReadGivesTheSameDescriptor() throws Exception {
        ModelDescriptor d = format.parse("x.json", VALID.getBytes(StandardCharsets.UTF_8));
        byte[] written = format.write(d);
        ModelDescriptor back = format.parse("y.json", written);
        assertEquals(d.id(), back.id());
        assertEquals(d.type(), back.type());
        assertEquals(d.description(), back.description());
        assertEquals(d.inputs().toString(), back.inputs().toString());
        assertArrayEquals(d.inputs().get(0).valueRange(), back.inputs().get(0).valueRange());
        assertEquals(d.outputs().toString(), back.outputs().toString());
        assertEquals(d.exampleDims(), back.exampleDims());
        assertArrayEquals("writing is stable", written, format.write(back));
        assertTrue("unix line ends", !new String(written, StandardCharsets.UTF_8).contains("\r"));
    }

    @Test
    public void aScalarInputHasAnEmptyShapeAndSurvivesWriteThenRead() throws Exception {
        ModelDescriptor d = parse(VALID.replace("\"valueRange\": [0, 9] }", "\"valueRange\": [0, 9] }, "
                + "{ \"name\": \"sr\", \"dtype\": \"int64\", \"shape\": [] }"));
        TensorSpec sr = d.inputs().get(1);
        assertEquals("sr int64[]", sr.toString());
        assertTrue(sr.shape().isEmpty());
        assertEquals(d.inputs().toString(), format.parse("y.json", format.write(d)).inputs().toString());
    }

    @Test
    public void aNumericVersionIsTakenAsItsDigits() throws Exception {
        assertEquals("2", parse(VALID.replace("\"version\": \"1\"", "\"version\": 2")).version());
    }

    @Test
    public void descriptionIsOptional() throws Exception {
        assertEquals("", parse(VALID.replace("\"description\": \"d\",", "")).description());
    }

    @Test
    public void precisionIsOptionalAndDefaultsToFp32() throws Exception {
        ModelDescriptor plain = parse(VALID);
        assertEquals("fp32", plain.precision());
        assertTrue("the default is not written", !new String(format.write(plain), StandardCharsets.UTF_8)
                .contains("precision"));
        ModelDescriptor int8 = parse(VALID.replace("\"description\": \"d\",",
                "\"description\": \"d\", \"precision\": \"int8\","));
        assertEquals("int8", int8.precision());
        assertEquals("int8", format.parse("y.json", format.write(int8)).precision());
    }

    @Test
    public void badPrecisionIsRejected() {
        expect(VALID.replace("\"description\": \"d\",", "\"precision\": \"INT 8\","),
                "precision: precision 'INT 8' of model 'm' must be 1-32 lower case letters");
        expect(VALID.replace("\"description\": \"d\",", "\"precision\": \" \","), "precision: is empty");
        expect(VALID.replace("\"description\": \"d\",", "\"precision\": 8,"), "precision: expected a string");
    }

    @Test
    public void errorsNameTheFileTheFieldAndTheProblem() throws Exception {
        Path file = tmp.getRoot().toPath().resolve("descriptor.json");
        Files.writeString(file, VALID.replace("\"int64\"", "\"long\""));
        try {
            format.read(file);
            fail("an unknown dtype was accepted");
        } catch (InvalidDescriptorException e) {
            assertEquals(file.toString(), e.source());
            assertTrue(e.getMessage(), e.getMessage().startsWith(file + ": inputs[0].dtype: unknown dtype 'long'"));
            assertTrue(e.getMessage(), e.getMessage().contains("float32"));
        }
    }

    @Test
    public void specificErrors() {
        expect(VALID.replace("\"version\": \"1\",", ""), "version: is missing");
        expect(VALID.replace("\"text-embedding\"", "\"txt\""), "type: unknown model type 'txt'");
        expect(VALID.replace("\"name\": \"m\"", "\"name\": \"../m\""), "name: '../m' may only hold");
        expect(VALID.replace("\"description\"", "\"descripton\""), "descripton: unknown field");
        expect(VALID.replace("\"dtype\": \"float32\"", "\"dtpye\": \"float32\""), "outputs[0].dtpye: unknown field");
        expect(VALID.replace("[\"batch\", 8]", "[\"batch\", -8]"), "outputs[0].shape[1]: expected a size >= 0");
        expect(VALID.replace("[\"batch\", 8]", "\"batch\""), "outputs[0].shape: expected a list");
        expect(VALID.replace("[0, 9]", "[9, 0]"), "inputs[0].valueRange: min 9 is greater than max 0");
        expect(VALID.replace("[0, 9]", "[0]"), "inputs[0].valueRange: expected [min, max]");
        expect(VALID.replace("8] }", "8], \"valueRange\": [0, 1] }"),
                "outputs[0].valueRange: is only allowed for integer inputs");
        expect(VALID.replace("\"sequence\": 4", "\"seq\": 4"), "exampleDims: has no size for 'sequence'");
        expect(VALID.replace("\"batch\": 1,", "\"batch\": 0,"), "exampleDims.batch: expected a size >= 1");
        expect(VALID.replace("\"outputs\": [ { \"name\": \"out\", \"dtype\": \"float32\", \"shape\": [\"batch\", 8] } ]",
                "\"outputs\": []"), "outputs: expected a non-empty list");
        expect(VALID.replace("\"inputs\": [ {",
                "\"inputs\": [ { \"name\": \"ids\", \"dtype\": \"int64\", \"shape\": [1] }, {"),
                "inputs[1].name: 'ids' is used twice in inputs");
        expect("[1, 2]", "expected a JSON object");
        expect("", "file is empty");
        expect("{\"name\": \"m\",\n \"version\": }", "not valid JSON");
        expect("{\"name\": \"m\",\n \"version\": }", "line 2");
    }

    @Test
    public void aMissingFileIsReportedAsSuch() {
        Path file = tmp.getRoot().toPath().resolve("nope.json");
        try {
            format.read(file);
            fail("a missing file was read");
        } catch (InvalidDescriptorException e) {
            assertEquals(file + ": file does not exist", e.getMessage());
        }
    }

    private ModelDescriptor parse(String json) throws InvalidDescriptorException {
        return format.parse("test.json", json.getBytes(StandardCharsets.UTF_8));
    }

    private void expect(String json, String problem) {
        try {
            parse(json);
            fail("accepted, but expected '" + problem + "':\n" + json);
        } catch (InvalidDescriptorException e) {
            assertEquals("test.json", e.source());
            assertTrue("expected '" + problem + "' in: " + e.getMessage(), e.getMessage().contains(problem));
        }
    }
}
