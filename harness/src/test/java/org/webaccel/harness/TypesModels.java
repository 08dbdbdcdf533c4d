package org.webaccel.harness;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;
import org.webaccel.harness.onnxfiles.TypesModelFiles;

/**
 * Inputs for the models {@link TypesModelFiles} writes (every tensor type, empty axes, no inputs) and their
 * expected outputs from ONNX Runtime Java, which runs each model's reference twin.
 */
final class TypesModels {
    static final String TYPES = TypesModelFiles.TYPES;
    static final String REDUCE = TypesModelFiles.REDUCE;
    static final String CONSTANT = TypesModelFiles.CONSTANT;

    private TypesModels() {
    }

    /** Writes the models into {@code home/models} and their reference twins into {@code home/reference}. */
    static void write(Path home) throws java.io.IOException {
        TypesModelFiles.write(home);
    }

    /** Inputs of {@value #TYPES}: extreme values of each type, and strings of several scripts and the empty one. */
    static Map<String, Tensor> typesInputs() {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("f64", Tensor.ofDoubles(new long[] {3}, 0.1, -1e300, 123456789.123456789));
        in.put("i16", Tensor.ofIntegers(DType.INT16, new long[] {3}, -32768, 0, 32767));
        in.put("u16", Tensor.ofIntegers(DType.UINT16, new long[] {3}, 0, 1, 65535));
        in.put("u32", Tensor.ofIntegers(DType.UINT32, new long[] {3}, 0, 7, 4294967295L));
        in.put("u64", Tensor.ofIntegers(DType.UINT64, new long[] {3}, 0, Long.MAX_VALUE, -1));
        in.put("s", Tensor.ofStrings(new long[] {4}, "hey jarvis", "", "größe", "日本語 ✓"));
        return in;
    }

    /** @return {@value #REDUCE}'s inputs: data [2, 3] and the axes, which may be none */
    static Map<String, Tensor> reduceInputs(long... axes) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("data", Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6));
        in.put("axes", Tensor.ofLongs(new long[] {axes.length}, axes));
        return in;
    }

    /** @return the outputs of the reference twin for {@code inputs}, in the model's own types */
    static Map<String, Tensor> expected(NativeReference ort, Path home, String model, Map<String, Tensor> inputs)
            throws Exception {
        Map<String, Tensor> signed = new LinkedHashMap<>();
        inputs.forEach((name, t) -> signed.put(name, retyped(t, signedOf(t.dtype()))));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : ort.runTensors(TypesModelFiles.reference(home, model), signed).entrySet()) {
            // the twin's outputs are named as the model's; an unsigned one comes back signed
            Tensor own = inputs.get(e.getKey().replace("_twice", ""));
            out.put(e.getKey(), own == null ? e.getValue() : retyped(e.getValue(), own.dtype()));
        }
        return out;
    }

    private static DType signedOf(DType t) {
        return t == DType.UINT16 || t == DType.UINT32 || t == DType.UINT64 ? DType.valueOf(t.name().substring(1)) : t;
    }

    private static Tensor retyped(Tensor t, DType dtype) {
        return t.dtype() == dtype ? t : Tensor.wrap(dtype, t.shape(), t.toByteArray());
    }
}
