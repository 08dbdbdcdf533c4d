package org.webaccel.api.tensor;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a tensor element by element, in row-major order, from values as a parser reads them (JSON numbers,
 * booleans, text). Each value is checked against the element type: a fraction for an integer type, a value out of
 * the type's range, or a value of the wrong kind is refused with a message that continues the value ("is out of
 * the range of uint16 [0, 65535]"), so that callers put the value and its place in front.
 */
public final class TensorBuilder {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final DType dtype;
    private final long[] shape;
    private final int count;
    private final ByteBuffer fixed;
    private final List<byte[]> strings;
    private long stringBytes;
    private int added;

    /**
     * @param dtype the element type
     * @param shape the dimensions; the builder takes exactly their product of elements
     * @throws IllegalArgumentException for a negative dimension or a tensor too large for one array
     */
    public TensorBuilder(DType dtype, long[] shape) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.count = (int) Tensor.elementCount(shape);
        if (dtype == DType.STRING) {
            fixed = null;
            strings = new ArrayList<>(count);
        } else {
            if ((long) count * dtype.byteSize() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a " + dtype + " tensor of shape " + Arrays.toString(shape)
                        + " is larger than one tensor can hold");
            }
            fixed = ByteBuffer.allocate(count * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            strings = null;
        }
    }

    /** @return the number of elements the tensor takes */
    public int count() {
        return count;
    }

    /** Refuses a value of {@code kind} when the tensor is full or its type takes no such value. */
    private void expect(String kind) {
        if (added == count) {
            throw new IllegalArgumentException("a tensor of shape " + Arrays.toString(shape) + " takes " + count
                    + " elements; this is one more");
        }
        boolean accepted = switch (kind) {
            case "a number" -> dtype.isFloat();
            case "an integer" -> dtype.isFloat() || dtype.isInteger();
            case "a boolean" -> dtype == DType.BOOL;
            default -> dtype == DType.STRING;
        };
        if (!accepted) {
            throw new IllegalArgumentException("is " + kind + ", but an element of " + dtype + " must be " + takes());
        }
    }

    private String takes() {
        if (dtype.isFloat()) {
            return "a number";
        }
        if (dtype.isInteger()) {
            return "an integer";
        }
        return dtype == DType.BOOL ? "true or false" : "a string";
    }

    /**
     * Adds a number to a float tensor.
     *
     * @throws IllegalArgumentException unless the element type is a float type
     */
    public TensorBuilder addNumber(double value) {
        expect("a number");
        switch (dtype) {
            case FLOAT32 -> fixed.putFloat((float) value);
            case FLOAT16 -> fixed.putShort(Float16.fromFloat((float) value));
            default -> fixed.putDouble(value);
        }
        added++;
        return this;
    }

    /**
     * Adds an integer to an integer or float tensor.
     *
     * @throws IllegalArgumentException for a bool or string tensor, or a value out of the type's range
     */
    public TensorBuilder addInteger(long value) {
        if (dtype.isFloat()) {
            return addNumber(value);
        }
        expect("an integer");
        if (dtype == DType.UINT64 ? value < 0 : !IntegerRange.contains(dtype, value)) {
            throw outOfRange();
        }
        switch (dtype.byteSize()) {
            case 1 -> fixed.put((byte) value);
            case 2 -> fixed.putShort((short) value);
            case 4 -> fixed.putInt((int) value);
            default -> fixed.putLong(value);
        }
        added++;
        return this;
    }

    /**
     * Adds an integer of any size: the one way to give a uint64 element above 2^63 - 1.
     *
     * @throws IllegalArgumentException for a bool or string tensor, or a value out of the type's range
     */
    public TensorBuilder addInteger(BigInteger value) {
        if (value.bitLength() < 64) {
            return addInteger(value.longValue());
        }
        if (dtype.isFloat()) {
            return addNumber(value.doubleValue());
        }
        expect("an integer");
        if (dtype != DType.UINT64 || value.signum() < 0 || value.compareTo(UINT64_MAX) > 0) {
            throw outOfRange();
        }
        fixed.putLong(value.longValue());
        added++;
        return this;
    }

    private IllegalArgumentException outOfRange() {
        return new IllegalArgumentException("is out of the range of " + dtype + " " + IntegerRange.text(dtype));
    }

    /**
     * Adds a value as a parser gives it: an integer ({@code Long}, {@code Integer}, {@code Short}, {@code Byte} or
     * {@code BigInteger}), another number (a fraction), a {@code Boolean} or a {@code String}.
     *
     * @throws IllegalArgumentException for a value the element type does not take, or null or another kind
     */
    public TensorBuilder add(Object value) {
        if (value instanceof BigInteger big) {
            return addInteger(big);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return addInteger(((Number) value).longValue());
        }
        if (value instanceof Number number) {
            return addNumber(number.doubleValue());
        }
        if (value instanceof Boolean b) {
            return addBoolean(b);
        }
        if (value instanceof String text) {
            return addString(text);
        }
        throw new IllegalArgumentException("is " + (value == null ? "null" : "of class " + value.getClass().getName())
                + ", not a number, boolean or string");
    }

    /**
     * Adds a boolean to a bool tensor.
     *
     * @throws IllegalArgumentException unless the element type is bool
     */
    public TensorBuilder addBoolean(boolean value) {
        expect("a boolean");
        fixed.put((byte) (value ? 1 : 0));
        added++;
        return this;
    }

    /**
     * Adds text to a string tensor, as UTF-8.
     *
     * @throws IllegalArgumentException unless the element type is string, or when the strings outgrow one tensor
     */
    public TensorBuilder addString(String value) {
        expect("a string");
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (stringBytes + 4L + utf8.length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the strings total more bytes than one tensor can hold");
        }
        stringBytes += 4L + utf8.length;
        strings.add(utf8);
        added++;
        return this;
    }

    /**
     * @return the tensor
     * @throws IllegalArgumentException when fewer elements were added than the shape takes
     */
    public Tensor build() {
        if (added != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " takes " + count
                    + " elements; " + added + " were given");
        }
        if (fixed != null) {
            return Tensor.wrap(dtype, shape, fixed.array());
        }
        ByteBuffer b = ByteBuffer.allocate((int) stringBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] s : strings) {
            b.putInt(s.length).put(s);
        }
        return Tensor.wrap(dtype, shape, b.array());
    }
}
