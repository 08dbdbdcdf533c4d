package org.webaccel.api.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable tensor: element type, shape and the elements as little-endian bytes in row-major order.
 *
 * <p>The bytes are what travels to the browser in a binary WebSocket frame, so a tensor is stored in
 * that form and converted to Java arrays only on request. A {@link DType#STRING} tensor holds each element as
 * its UTF-8 byte length (4 bytes, little-endian, unsigned) followed by its UTF-8 bytes.
 */
public final class Tensor {
    private final DType dtype;
    private final long[] shape;
    private final byte[] data;

    private Tensor(DType dtype, long[] shape, byte[] data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        long count = elementCount(this.shape);
        if (dtype == DType.STRING) {
            checkStrings(count, data);
        } else if (count * dtype.byteSize() != data.length) {
            throw new IllegalArgumentException("a " + dtype + " tensor of shape " + Arrays.toString(shape)
                    + " needs " + count * dtype.byteSize() + " bytes, got " + data.length);
        }
        this.data = data;
    }

    /** Checks that {@code data} holds exactly {@code count} length-prefixed strings. */
    private static void checkStrings(long count, byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            if (b.remaining() < 4) {
                throw new IllegalArgumentException("a string tensor of " + count + " elements ends after " + i
                        + " of them (" + data.length + " bytes)");
            }
            long length = Integer.toUnsignedLong(b.getInt());
            if (length > b.remaining()) {
                throw new IllegalArgumentException("string element " + i + " claims " + length + " bytes but only "
                        + b.remaining() + " follow");
            }
            b.position(b.position() + (int) length);
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException("a string tensor of " + count + " elements has " + b.remaining()
                    + " bytes after its last element");
        }
    }

    /**
     * Wraps little-endian bytes without copying them; the caller must not change the array afterwards.
     *
     * @param dtype element type
     * @param shape dimensions, each at least 0
     * @param littleEndianBytes exactly {@code product(shape) * dtype.byteSize()} bytes; for {@link DType#STRING}
     *        exactly {@code product(shape)} length-prefixed UTF-8 strings
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

    /** @return a float64 tensor holding {@code values} */
    public static Tensor ofDoubles(long[] shape, double... values) {
        ByteBuffer b = allocate(values.length, DType.FLOAT64);
        b.asDoubleBuffer().put(values);
        return new Tensor(DType.FLOAT64, shape, b.array());
    }

    /** @return a string tensor holding {@code values}, each encoded as UTF-8 */
    public static Tensor ofStrings(long[] shape, String... values) {
        byte[][] utf8 = new byte[values.length][];
        long total = 0;
        for (int i = 0; i < values.length; i++) {
            utf8[i] = Objects.requireNonNull(values[i], "string element " + i).getBytes(StandardCharsets.UTF_8);
            total += 4L + utf8[i].length;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("strings of " + total + " bytes do not fit in one tensor");
        }
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] u : utf8) {
            b.putInt(u.length).put(u);
        }
        return new Tensor(DType.STRING, shape, b.array());
    }

    /**
     * Builds a tensor of any integer type (or bool) from longs, each narrowed to the type's width; an unsigned
     * 64-bit element takes the long's bits.
     *
     * @param dtype an integer type or bool
     * @param shape dimensions
     * @param values the elements
     * @return the tensor
     * @throws IllegalArgumentException for a float or string type, or a value outside the type's range
     */
    public static Tensor ofIntegers(DType dtype, long[] shape, long... values) {
        if (!dtype.isInteger() && dtype != DType.BOOL) {
            throw new IllegalArgumentException(dtype + " is not an integer type");
        }
        ByteBuffer b = allocate(values.length, dtype);
        for (long v : values) {
            IntegerRange.check(dtype, v);
            switch (dtype.byteSize()) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return new Tensor(dtype, shape, b.array());
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
     * @return the elements widened to long; an unsigned 64-bit element above {@link Long#MAX_VALUE} keeps its bits
     *         (read it with {@link Long#toUnsignedString(long)})
     * @throws IllegalStateException for float and string types
     */
    public long[] toLongs() {
        long[] out = new long[(int) elementCount()];
        ByteBuffer b = buffer();
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case INT64, UINT64 -> b.getLong(i * 8);
                case INT32 -> b.getInt(i * 4);
                case UINT32 -> Integer.toUnsignedLong(b.getInt(i * 4));
                case INT16 -> b.getShort(i * 2);
                case UINT16 -> Short.toUnsignedInt(b.getShort(i * 2));
                case INT8 -> b.get(i);
                case UINT8, BOOL -> b.get(i) & 0xff;
                default -> throw new IllegalStateException("tensor is " + dtype + ", not an integer type");
            };
        }
        return out;
    }

    /**
     * @return the elements as doubles: exact for the float types and for integers up to 2^53, unsigned 64-bit
     *         elements read as unsigned
     * @throws IllegalStateException for string tensors
     */
    public double[] toDoubles() {
        int n = (int) elementCount();
        double[] out = new double[n];
        if (dtype == DType.FLOAT64) {
            buffer().asDoubleBuffer().get(out);
        } else if (dtype == DType.FLOAT32 || dtype == DType.FLOAT16) {
            float[] f = toFloats();
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        } else if (dtype == DType.UINT64) {
            long[] l = toLongs();
            for (int i = 0; i < n; i++) {
                out[i] = l[i] >= 0 ? l[i] : (double) (l[i] >>> 1) * 2.0 + (l[i] & 1);
            }
        } else if (dtype == DType.STRING) {
            throw new IllegalStateException("tensor is string, not a numeric type");
        } else {
            long[] l = toLongs();
            for (int i = 0; i < n; i++) {
                out[i] = l[i];
            }
        }
        return out;
    }

    /**
     * @return the elements of a string tensor, decoded from UTF-8
     * @throws IllegalStateException unless the dtype is string
     */
    public String[] toStrings() {
        if (dtype != DType.STRING) {
            throw new IllegalStateException("tensor is " + dtype + ", not string");
        }
        String[] out = new String[(int) elementCount()];
        ByteBuffer b = buffer();
        for (int i = 0; i < out.length; i++) {
            int length = b.getInt();
            out[i] = new String(data, b.position(), length, StandardCharsets.UTF_8);
            b.position(b.position() + length);
        }
        return out;
    }

    /**
     * @return the elements as Java values in row-major order, for writing them out (JSON, text): {@code Float} for
     *         float32 and float16, {@code Double} for float64, {@code Boolean} for bool, {@code String} for string,
     *         {@code Long} for the integer types ({@code BigInteger} for uint64 elements above 2^63 - 1)
     */
    public List<Object> values() {
        int n = (int) elementCount();
        List<Object> out = new ArrayList<>(n);
        switch (dtype) {
            case FLOAT32, FLOAT16 -> {
                for (float f : toFloats()) {
                    out.add(f);
                }
            }
            case FLOAT64 -> {
                for (double d : toDoubles()) {
                    out.add(d);
                }
            }
            case STRING -> out.addAll(Arrays.asList(toStrings()));
            case BOOL -> {
                for (long l : toLongs()) {
                    out.add(l != 0);
                }
            }
            default -> {
                for (long l : toLongs()) {
                    out.add(dtype == DType.UINT64 && l < 0 ? new BigInteger(Long.toUnsignedString(l)) : (Object) l);
                }
            }
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
