package org.webaccel.api.tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * Element types a {@link Tensor} can hold: every tensor element type ONNX Runtime Web feeds and fetches, named as
 * it names them.
 *
 * <p>{@link #STRING} is the one type of variable element size: its elements travel as UTF-8, each preceded by its
 * byte length as a 4-byte little-endian unsigned integer (the Open Inference Protocol's binary form of
 * {@code BYTES}).
 */
public enum DType {
    FLOAT32("float32", 4),
    FLOAT16("float16", 2),
    INT64("int64", 8),
    INT32("int32", 4),
    INT8("int8", 1),
    UINT8("uint8", 1),
    BOOL("bool", 1),
    FLOAT64("float64", 8),
    INT16("int16", 2),
    UINT16("uint16", 2),
    UINT32("uint32", 4),
    UINT64("uint64", 8),
    STRING("string", 0);

    private final String wireName;
    private final int byteSize;

    DType(String wireName, int byteSize) {
        this.wireName = wireName;
        this.byteSize = byteSize;
    }

    /** @return the name used on the wire and in descriptors, e.g. {@code float32} */
    public String wireName() {
        return wireName;
    }

    /** @return bytes per element; 0 for {@link #STRING}, whose elements have no fixed size */
    public int byteSize() {
        return byteSize;
    }

    /** @return true when every element has the same size, i.e. for every type but {@link #STRING} */
    public boolean isFixedSize() {
        return this != STRING;
    }

    /** @return true for the integer types, signed and unsigned (not bool) */
    public boolean isInteger() {
        return switch (this) {
            case INT64, INT32, INT16, INT8, UINT64, UINT32, UINT16, UINT8 -> true;
            default -> false;
        };
    }

    /** @return true for float32, float16 and float64 */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT16 || this == FLOAT64;
    }

    /** @return true for the unsigned integer types */
    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    /**
     * Parses a wire name such as {@code float32}.
     *
     * @param name the wire name, case-insensitive
     * @return the type
     * @throws IllegalArgumentException naming the accepted types when {@code name} is unknown
     */
    public static DType of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (DType t : values()) {
            if (t.wireName.equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "'; expected one of "
                + Arrays.stream(values()).map(DType::wireName).toList());
    }

    @Override
    public String toString() {
        return wireName;
    }
}
