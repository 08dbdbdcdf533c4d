package org.webaccel.models.internal.graph;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.webaccel.api.tensor.DType;
import org.webaccel.onnx.Onnx.TensorProto.DataType;

/** ONNX element types ({@code TensorProto.DataType}) and the tensor types WebAccel sends and receives. */
public final class ElementTypes {
    private ElementTypes() {
    }

    /** @return the dtype of an ONNX element type, or empty when WebAccel has none for it */
    static Optional<DType> dtype(int elemType) {
        DataType t = DataType.forNumber(elemType);
        if (t == null) {
            return Optional.empty();
        }
        return switch (t) {
            case FLOAT -> Optional.of(DType.FLOAT32);
            case FLOAT16 -> Optional.of(DType.FLOAT16);
            case INT64 -> Optional.of(DType.INT64);
            case INT32 -> Optional.of(DType.INT32);
            case INT8 -> Optional.of(DType.INT8);
            case UINT8 -> Optional.of(DType.UINT8);
            case BOOL -> Optional.of(DType.BOOL);
            case DOUBLE -> Optional.of(DType.FLOAT64);
            case INT16 -> Optional.of(DType.INT16);
            case UINT16 -> Optional.of(DType.UINT16);
            case UINT32 -> Optional.of(DType.UINT32);
            case UINT64 -> Optional.of(DType.UINT64);
            case STRING -> Optional.of(DType.STRING);
            // bfloat16, the complex, float8, 4-bit and float4 types: ONNX Runtime Web's tensors cannot hold them
            default -> Optional.empty();
        };
    }

    /** @return the ONNX element type of {@code dtype}: the inverse of {@link #dtype(int)} */
    public static DataType onnxType(DType dtype) {
        for (DataType t : DataType.values()) {
            if (dtype(t.getNumber()).orElse(null) == dtype) {
                return t;
            }
        }
        throw new IllegalStateException("no ONNX element type for " + dtype);
    }

    /** @return the element type as ONNX names it, in lower case, e.g. {@code double} */
    static String name(int elemType) {
        DataType t = DataType.forNumber(elemType);
        return t == null ? "#" + elemType : t.name().toLowerCase(Locale.ROOT);
    }

    /** @return the dtypes WebAccel supports, by name */
    static String supported() {
        return Arrays.stream(DType.values()).map(DType::wireName).toList().toString();
    }
}
