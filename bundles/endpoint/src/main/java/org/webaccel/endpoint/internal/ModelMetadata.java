package org.webaccel.endpoint.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.TensorSpec;

/** The protocol's model metadata response for a model descriptor: symbolic dimensions become -1. */
final class ModelMetadata {
    /** What runs the models, in the protocol's (Triton's) platform naming. */
    static final String PLATFORM = "onnxruntime_onnx";

    private ModelMetadata() {
    }

    /**
     * @param model the model
     * @param versions every version of that model name
     * @return {@code {name, versions, platform, inputs, outputs}}
     */
    static ObjectNode of(ModelDescriptor model, List<String> versions) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("name", model.name());
        ArrayNode v = m.putArray("versions");
        versions.forEach(v::add);
        m.put("platform", PLATFORM);
        tensors(m.putArray("inputs"), model.inputs());
        tensors(m.putArray("outputs"), model.outputs());
        return m;
    }

    private static void tensors(ArrayNode into, List<TensorSpec> specs) {
        for (TensorSpec spec : specs) {
            ObjectNode t = into.addObject();
            t.put("name", spec.name());
            t.put("datatype", Datatype.of(spec.dtype()).name());
            ArrayNode shape = t.putArray("shape");
            for (Dim d : spec.shape()) {
                shape.add(d.isSymbolic() ? -1 : d.size());
            }
        }
    }
}
