package org.webaccel.harness;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.webaccel.api.tensor.DType;
import org.webaccel.api.tensor.Tensor;

/**
 * WebAccel tensors to ONNX Runtime Java tensors and back, for every element type ONNX Runtime Java can feed
 * (it has no unsigned types wider than 8 bits: tests feed those through a twin model that casts from the signed
 * type of the same width, see {@link TypesModels}).
 */
final class OrtTensors {
    private OrtTensors() {
    }

    static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
        ByteBuffer b = direct(t.buffer());
        return switch (t.dtype()) {
            case FLOAT32 -> OnnxTensor.createTensor(env, b.asFloatBuffer(), t.shape());
            case FLOAT64 -> OnnxTensor.createTensor(env, b.asDoubleBuffer(), t.shape());
            case INT64 -> OnnxTensor.createTensor(env, b.asLongBuffer(), t.shape());
            case INT32 -> OnnxTensor.createTensor(env, b.asIntBuffer(), t.shape());
            case INT16 -> OnnxTensor.createTensor(env, b.asShortBuffer(), t.shape());
            case FLOAT16 -> OnnxTensor.createTensor(env, b.asShortBuffer(), t.shape(), OnnxJavaType.FLOAT16);
            case INT8 -> OnnxTensor.createTensor(env, b, t.shape(), OnnxJavaType.INT8);
            case UINT8 -> OnnxTensor.createTensor(env, b, t.shape(), OnnxJavaType.UINT8);
            case BOOL -> OnnxTensor.createTensor(env, b, t.shape(), OnnxJavaType.BOOL);
            case STRING -> OnnxTensor.createTensor(env, t.toStrings(), t.shape());
            default -> throw new IllegalArgumentException("ONNX Runtime Java cannot feed " + t.dtype());
        };
    }

    static Tensor fromOrt(OnnxTensor t) throws OrtException {
        long[] shape = t.getInfo().getShape();
        DType dtype = switch (t.getInfo().onnxType) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DType.FLOAT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DType.FLOAT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DType.FLOAT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DType.INT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DType.INT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DType.INT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DType.INT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DType.UINT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DType.BOOL;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DType.STRING;
            default -> throw new IllegalArgumentException("ONNX Runtime Java cannot read " + t.getInfo().onnxType);
        };
        if (dtype == DType.STRING) {
            List<String> flat = new ArrayList<>();
            flatten(t.getValue(), flat);
            return Tensor.ofStrings(shape, flat.toArray(String[]::new));
        }
        // the bytes in the machine's order, which is little-endian where these tests run (x86-64, arm64)
        ByteBuffer b = t.getByteBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return Tensor.wrap(dtype, shape, bytes);
    }

    private static void flatten(Object value, List<String> into) {
        if (value instanceof String s) {
            into.add(s);
        } else {
            for (Object o : (Object[]) value) {
                flatten(o, into);
            }
        }
    }

    private static ByteBuffer direct(ByteBuffer b) {
        ByteBuffer d = ByteBuffer.allocateDirect(b.remaining()).order(ByteOrder.nativeOrder());
        d.put(b.duplicate().order(ByteOrder.LITTLE_ENDIAN));
        return d.flip();
    }
}
