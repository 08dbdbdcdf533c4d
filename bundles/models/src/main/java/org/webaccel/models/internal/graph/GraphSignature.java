package org.webaccel.models.internal.graph;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.webaccel.api.model.Dim;
import org.webaccel.api.model.TensorSpec;
import org.webaccel.api.tensor.DType;
import org.webaccel.models.internal.descriptor.InvalidDescriptorException;
import org.webaccel.onnx.Onnx.TensorShapeProto;
import org.webaccel.onnx.Onnx.TypeProto;
import org.webaccel.onnx.Onnx.ValueInfoProto;

/**
 * The inputs and outputs of an ONNX model's main graph, read from model.onnx with the ONNX project's own
 * schema: names, element types and shapes (a {@code dim_value} is a size, a {@code dim_param} a symbol).
 * Graph inputs that are initializers (weights a caller may override) are not inputs a request gives. The
 * file is streamed: weights are skipped, never held in memory, and weights kept in files beside the model
 * (external data) are not opened; the tensors that refer to them are listed for {@link ExternalDataFiles}.
 *
 * @param inputs the inputs a request gives, in the graph's order
 * @param outputs the outputs, in the graph's order
 * @param externalTensors the tensors whose data lives outside model.onnx, in file order, unchecked
 */
public record GraphSignature(List<TensorSpec> inputs, List<TensorSpec> outputs,
        List<ExternalTensor> externalTensors) {

    // Field numbers of the ONNX schema (onnx-ml.proto): ModelProto.{graph, functions}, GraphProto.{input, output}.
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_FUNCTIONS = 25;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;

    /**
     * @param modelFile a model.onnx
     * @return its signature
     * @throws InvalidDescriptorException naming the file and what is wrong: not ONNX, no graph, a type a page
     *         cannot be given or asked for
     */
    public static GraphSignature read(Path modelFile) throws InvalidDescriptorException {
        String source = modelFile.toString();
        List<ValueInfoProto> inputs = new ArrayList<>();
        List<ValueInfoProto> outputs = new ArrayList<>();
        Set<String> initializers = new HashSet<>();
        ExternalTensors external = new ExternalTensors();
        boolean graph = false;
        try (InputStream in = Files.newInputStream(modelFile)) {
            CodedInputStream c = CodedInputStream.newInstance(in);
            c.setSizeLimit(Integer.MAX_VALUE);
            for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = c.pushLimit(c.readRawVarint32());
                    readGraph(c, inputs, outputs, initializers, external);
                    c.popLimit(limit);
                    graph = true;
                } else if (WireFormat.getTagFieldNumber(tag) == MODEL_FUNCTIONS
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    external.function(c);
                } else {
                    c.skipField(tag);
                }
            }
        } catch (NoSuchFileException e) {
            throw new InvalidDescriptorException(source, "file is missing");
        } catch (InvalidProtocolBufferException e) {
            if (String.valueOf(e.getMessage()).contains("input ended unexpectedly")) {
                throw new InvalidDescriptorException(source, "is truncated: the file ends in the middle of a field ("
                        + size(modelFile) + "); copy it again");
            }
            throw new InvalidDescriptorException(source, "is not an ONNX model (not a protobuf ModelProto: "
                    + e.getMessage() + ")");
        } catch (IOException e) {
            throw new InvalidDescriptorException(source, "cannot be read: " + e);
        }
        if (!graph) {
            throw new InvalidDescriptorException(source, "is not an ONNX model: it holds no graph");
        }
        if (outputs.isEmpty()) {
            throw new InvalidDescriptorException(source, "its graph has no outputs");
        }
        List<TensorSpec> in = new ArrayList<>();
        for (ValueInfoProto v : inputs) {
            if (!initializers.contains(v.getName())) {
                in.add(spec(source, "input", v));
            }
        }
        List<TensorSpec> out = new ArrayList<>();
        for (ValueInfoProto v : outputs) {
            out.add(spec(source, "output", v));
        }
        return new GraphSignature(in, out, external.found());
    }

    private static String size(Path file) {
        try {
            return Files.size(file) + " bytes";
        } catch (IOException e) {
            return "size unknown";
        }
    }

    private static void readGraph(CodedInputStream c, List<ValueInfoProto> inputs, List<ValueInfoProto> outputs,
            Set<String> initializers, ExternalTensors external) throws IOException {
        for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case GRAPH_INPUT -> inputs.add(ValueInfoProto.parseFrom(c.readBytes()));
                case GRAPH_OUTPUT -> outputs.add(ValueInfoProto.parseFrom(c.readBytes()));
                case ExternalTensors.GRAPH_INITIALIZER -> initializers.add(external.initializer(c));
                case ExternalTensors.GRAPH_SPARSE_INITIALIZER -> initializers.add(external.sparseInitializer(c));
                case ExternalTensors.GRAPH_NODE -> external.node(c);
                default -> c.skipField(tag);
            }
        }
    }

    private static TensorSpec spec(String source, String kind, ValueInfoProto v) throws InvalidDescriptorException {
        String where = kind + " '" + v.getName() + "'";
        TypeProto type = v.getType();
        if (type.getValueCase() != TypeProto.ValueCase.TENSOR_TYPE) {
            throw new InvalidDescriptorException(source, where + " is a " + typeName(type) + "; a page can only be "
                    + "given and asked for dense tensors");
        }
        TypeProto.Tensor t = type.getTensorType();
        DType dtype = ElementTypes.dtype(t.getElemType()).orElseThrow(() -> new InvalidDescriptorException(source,
                where + " has element type " + ElementTypes.name(t.getElemType()) + ", which is not supported; "
                        + "supported: " + ElementTypes.supported()));
        if (!t.hasShape()) {
            throw new InvalidDescriptorException(source, where + " has no shape in the graph; give it one in "
                    + "descriptor.json");
        }
        List<Dim> shape = new ArrayList<>();
        List<TensorShapeProto.Dimension> dims = t.getShape().getDimList();
        for (int i = 0; i < dims.size(); i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            shape.add(d.hasDimValue() && d.getDimValue() >= 0 ? Dim.of(d.getDimValue())
                    : d.hasDimParam() && !d.getDimParam().isBlank() ? Dim.symbolic(d.getDimParam())
                    // a dimension without value or name: unknown, named after its place
                    : Dim.symbolic(v.getName() + "_" + i));
        }
        return new TensorSpec(v.getName(), dtype, shape, null);
    }

    private static String typeName(TypeProto type) {
        return switch (type.getValueCase()) {
            case SEQUENCE_TYPE -> "sequence";
            case MAP_TYPE -> "map";
            case OPTIONAL_TYPE -> "optional";
            case SPARSE_TENSOR_TYPE -> "sparse tensor";
            case OPAQUE_TYPE -> "opaque value";
            default -> "value of no type";
        };
    }
}
