package org.webaccel.harness;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.ModelDescriptor;
import org.webaccel.api.model.ModelType;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;

/**
 * A descriptor for a model that ships without one, from the signature ONNX Runtime Java reads out of its graph.
 *
 * <p>Only needed while the repository requires a descriptor.json: once it reads signatures from the graph itself,
 * models are added without this class. A named symbolic dimension keeps its name; an unnamed one is named after its
 * tensor and place ({@code output_dim2}), so it only has to agree with itself.
 */
final class OnnxSignatures {
    private OnnxSignatures() {
    }

    /**
     * @param file the ONNX model
     * @param name the model's name in the repository
     * @param version its version
     * @param type what kind of model it is
     * @param exampleDims a size for each symbolic input dimension not sized 1
     * @return the descriptor of the graph's inputs and outputs in graph order
     * @throws OrtException when ONNX Runtime cannot load the model
     * @throws IllegalArgumentException for an input or output that is not a tensor of a supported dtype
     */
    static ModelDescriptor describe(Path file, String name, String version, ModelType type, String description,
            Map<String, Long> exampleDims) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            List<TensorSpec> inputs = specs(file, session.getInputInfo());
            List<TensorSpec> outputs = specs(file, session.getOutputInfo());
            Map<String, Long> examples = new LinkedHashMap<>();
            for (TensorSpec in : inputs) {
                for (Dim d : in.shape()) {
                    if (d.isSymbolic()) {
                        examples.put(d.symbol(), exampleDims.getOrDefault(d.symbol(), 1L));
                    }
                }
            }
            return new ModelDescriptor(name, version, type, description, inputs, outputs, examples);
        }
    }

    private static List<TensorSpec> specs(Path file, Map<String, NodeInfo> infos) {
        List<TensorSpec> specs = new ArrayList<>();
        for (NodeInfo node : infos.values()) {
            if (!(node.getInfo() instanceof TensorInfo t)) {
                throw new IllegalArgumentException(file + ": '" + node.getName() + "' is not a tensor but "
                        + node.getInfo());
            }
            long[] shape = t.getShape();
            String[] names = t.getDimensionNames();
            List<Dim> dims = new ArrayList<>();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] >= 0) {
                    dims.add(Dim.of(shape[i]));
                } else {
                    boolean named = names != null && i < names.length && !names[i].isBlank();
                    dims.add(Dim.symbolic(named ? names[i] : node.getName() + "_dim" + i));
                }
            }
            specs.add(new TensorSpec(node.getName(), dtype(file, node.getName(), t), dims, null));
        }
        return specs;
    }

    private static DType dtype(Path file, String name, TensorInfo t) {
        return switch (t.type) {
            case FLOAT -> DType.FLOAT32;
            case FLOAT16 -> DType.FLOAT16;
            case INT64 -> DType.INT64;
            case INT32 -> DType.INT32;
            case INT8 -> DType.INT8;
            case UINT8 -> DType.UINT8;
            case BOOL -> DType.BOOL;
            default -> throw new IllegalArgumentException(file + ": tensor '" + name + "' has element type " + t.type
                    + ", which the pool does not carry");
        };
    }
}
