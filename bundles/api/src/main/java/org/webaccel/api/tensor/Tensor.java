package org.webaccel.api.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable tensor: element type, shape and the elements as little-endian bytes in row-major order.
 *
 * <p>The bytes are what travels to the browser in a binary WebSocket frame, so a tensor is stored in
 * that form and converted to Java arrays only on request.
 */
public final class Tensor {
    private final DType dtype;
    private final long[] shape;
    private final byte[] data;

    private Tensor(DType dtype, long[] shape, byte[] data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        long count = elementCount(this.shape);
        long expected = count * dtype.byteSize();
        if (expected != data.length) {
            throw new IllegalArgumentException("a " + dtype + " tensor of shape " + Arrays.toString(shape)
                    + " needs " + expected + " bytes, got " + data.length);
        }
        this.data = data;
    }

    /**
     * Wraps little-endian bytes without copying them; the caller must not change the array afterwards.
     *
     * @param dtype element type
     * @param shape dimensions, each at least 0
     * @param littleEndianBytes exactly {@code product(shape) * dtype.byteSize()} bytes
     * @return the tensor
     */
    public static Tensor wrap(DType dtype, long[] shape, byte[] littleEndianBytes) {
        return new Tensor(dtype, shape, Objects.requireNonNull(littleEndianBytes, "data"));
    }

    /** @return a float32 tensor holding {@code values} */
    public static Tensor ofFloats(long[] shape, float... values) {
        ByteBuffer b = allocate(values.length, DType.FLOAT32);
        b.asFloatBuffer().put(values);
        return new Tensor(DType.FLOAT32, shape, b.array());
    }

    /** @return an int64 tensor holding {@code values} */
    public static Tensor ofLongs(long[] shape, long... values) {
        ByteBuffer b = allocate(values.length, DType.INT64);
        b.asLongBuffer().put(values);
        return new Tensor(DType.INT64, shape, b.array());
    }

    /** @return an int32 tensor holding {@code values} */
    public static Tensor ofInts(long[] shape, int... values) {
        ByteBuffer b = allocate(values.length, DType.INT32);
        b.asIntBuffer().put(values);
        return new Tensor(DType.INT32, shape, b.array());
    }

    private static ByteBuffer allocate(int count, DType t) {
        return ByteBuffer.allocate(count * t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * @param shape dimensions
     * @return the number of elements, the product of the dimensions
     * @throws IllegalArgumentException for a negative dimension or a count past 2^31
     */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements");
        }
        return n;
    }

    /** @return the element type */
    public DType dtype() {
        return dtype;
    }

    /** @return a copy of the shape */
    public long[] shape() {
        return shape.clone();
    }

    /** @return the rank, the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /** @return the number of elements */
    public long elementCount() {
        return elementCount(shape);
    }

    /** @return the size of the element data in bytes */
    public int byteSize() {
        return data.length;
    }

    /** @return a read-only little-endian view of the element bytes, without copying */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** @return a copy of the element bytes */
    public byte[] toByteArray() {
        return data.clone();
    }

    /**
     * @return the elements as floats
     * @throws IllegalStateException unless the dtype is float32 or float16
     */
    public float[] toFloats() {
        float[] out = new float[(int) elementCount()];
        ByteBuffer b = buffer();
        if (dtype == DType.FLOAT32) {
            b.asFloatBuffer().get(out);
        } else if (dtype == DType.FLOAT16) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Float16.toFloat(b.getShort(i * 2));
            }
        } else {
            throw new IllegalStateException("tensor is " + dtype + ", not a float type");
        }
        return out;
    }

    /**
     * @return the elements widened to long
     * @throws IllegalStateException for float types
     */
    public long[] toLongs() {
        long[] out = new long[(int) elementCount()];
        ByteBuffer b = buffer();
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case INT64 -> b.getLong(i * 8);
                case INT32 -> b.getInt(i * 4);
                case INT8 -> b.get(i);
                case UINT8, BOOL -> b.get(i) & 0xff;
                default -> throw new IllegalStateException("tensor is " + dtype + ", not an integer type");
            };
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.dtype == dtype && Arrays.equals(t.shape, shape)
                && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
