package org.webaccel.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.webaccel.api.ModelNotFoundException;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;

public class ModelCatalogTest {

    private static ModelDescriptor model(String name, String version) {
        return new ModelDescriptor(name, version, ModelType.TEXT_EMBEDDING, "",
                List.of(TensorSpec.of("input_ids", DType.INT64, Dim.symbolic("batch"), Dim.symbolic("sequence"))),
                List.of(TensorSpec.of("pooled", DType.FLOAT32, Dim.symbolic("batch"), Dim.of(128))), Map.of());
    }

    private final ModelCatalog catalog = new ModelCatalog(
            () -> List.of(model("enc", "1"), model("enc", "2"), model("cls", "1")));

    @Test
    public void findsAVersionOrTheHighestOne() {
        assertEquals("enc:1", catalog.find("enc", "1").id());
        assertEquals("enc:2", catalog.find("enc", null).id());
        assertEquals(List.of("1", "2"), catalog.versions("enc"));
    }

    @Test
    public void anUnknownModelGetsThePoolsMessage() {
        ModelNotFoundException e = assertThrows(ModelNotFoundException.class, () -> catalog.find("enc", "3"));
        assertEquals("unknown model 'enc:3'; known models: [enc:1, enc:2, cls:1]", e.getMessage());
        assertEquals("unknown model 'x'; known models: [enc:1, enc:2, cls:1]",
                assertThrows(ModelNotFoundException.class, () -> catalog.find("x", null)).getMessage());
    }

    @Test
    public void metadataGivesProtocolDatatypesAndMinusOneForSymbolicDimensions() throws Exception {
        ObjectMapper json = new ObjectMapper();
        // Compared as the client reads it: parsed back from the JSON text.
        String metadata = json.writeValueAsString(ModelMetadata.of(catalog.find("enc", "2"), catalog.versions("enc")));
        assertEquals(json.readTree("{\"name\":\"enc\",\"versions\":[\"1\",\"2\"],"
                + "\"platform\":\"onnxruntime_onnx\","
                + "\"inputs\":[{\"name\":\"input_ids\",\"datatype\":\"INT64\",\"shape\":[-1,-1]}],"
                + "\"outputs\":[{\"name\":\"pooled\",\"datatype\":\"FP32\",\"shape\":[-1,128]}]}"),
                json.readTree(metadata));
    }
}
