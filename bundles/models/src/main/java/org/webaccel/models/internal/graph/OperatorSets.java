package org.webaccel.models.internal.graph;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.webaccel.models.internal.descriptor.InvalidDescriptorException;
import org.webaccel.onnx.Onnx.OperatorSetIdProto;

/**
 * The operator sets a model imports ({@code opset_import}), checked against what the pages' ONNX Runtime Web
 * supports: a model that imports none, or a version of a domain newer than ONNX Runtime Web knows, is refused
 * when it loads, naming the domain, the version and the newest one supported, since every page would fail to
 * create its session. A domain ONNX Runtime Web does not know is not refused here: ONNX Runtime Web accepts the
 * import, and only a node of that domain fails, when a page creates the session (the pool then records the model
 * as not loadable on that provider).
 */
public final class OperatorSets {
    /** The ONNX Runtime Web release whose limits these are: the one the bridge serves. */
    public static final String ORT_WEB = "ONNX Runtime Web 1.30.0";

    /**
     * The newest {@code ai.onnx} operator set {@value #ORT_WEB} creates sessions for. Measured, not taken from a
     * table: a one-node (Identity) model stamped with opset 26 loads and runs in onnxruntime-web 1.30.0's wasm
     * build, one stamped with 27 fails with "Current official support for domain ai.onnx is till opset 26".
     */
    public static final int AI_ONNX_MAX = 26;

    // The other domains ONNX Runtime Web 1.30.0 registers, with their newest version, measured the same way (the
    // version above each one is refused with "Current official support for domain D is till opset N").
    private static final Map<String, Integer> NEWEST = Map.of(
            "", AI_ONNX_MAX,
            "ai.onnx", AI_ONNX_MAX,
            "ai.onnx.ml", 5,
            "ai.onnx.preview", 1,
            "ai.onnx.preview.training", 1,
            "ai.onnx.training", 1,
            "com.microsoft", 1,
            "com.microsoft.experimental", 1,
            "com.microsoft.nchwc", 1,
            "org.pytorch.aten", 1);

    // ModelProto.opset_import in onnx-ml.proto.
    private static final int MODEL_OPSET_IMPORT = 8;

    private OperatorSets() {
    }

    /**
     * @param modelFile a model.onnx whose graph was read already ({@link GraphSignature#read})
     * @throws InvalidDescriptorException naming the file, the domain, its version and the newest supported
     */
    public static void check(Path modelFile) throws InvalidDescriptorException {
        List<OperatorSetIdProto> imports = new ArrayList<>();
        try (InputStream in = Files.newInputStream(modelFile)) {
            CodedInputStream c = CodedInputStream.newInstance(in);
            c.setSizeLimit(Integer.MAX_VALUE);
            for (int tag = c.readTag(); tag != 0; tag = c.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == MODEL_OPSET_IMPORT
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    imports.add(OperatorSetIdProto.parseFrom(c.readBytes()));
                } else {
                    c.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new InvalidDescriptorException(modelFile.toString(), "its operator sets cannot be read: " + e);
        }
        check(modelFile.toString(), imports);
    }

    /**
     * @param source the model file, for the message
     * @param imports what it imports
     * @throws InvalidDescriptorException when it imports no operator set, or one newer than supported
     */
    static void check(String source, List<OperatorSetIdProto> imports) throws InvalidDescriptorException {
        if (imports.isEmpty()) {
            throw new InvalidDescriptorException(source, "imports no operator set (opset_import is empty; ONNX "
                    + "requires at least one, such as ai.onnx " + AI_ONNX_MAX + "); is the file cut short?");
        }
        for (OperatorSetIdProto opset : imports) {
            Integer newest = NEWEST.get(opset.getDomain());
            if (newest != null && opset.getVersion() > newest) {
                String domain = opset.getDomain().isEmpty() ? "ai.onnx" : opset.getDomain();
                throw new InvalidDescriptorException(source, "imports opset " + opset.getVersion() + " of domain '"
                        + domain + "'; " + ORT_WEB + " supports domain '" + domain + "' up to opset " + newest
                        + ": convert the model to opset " + newest + " or lower");
            }
        }
    }
}
