package org.webaccel.api.tensor;

import java.util.Arrays;
import java.util.Locale;

/** Element types a {@link Tensor} can hold, named as ONNX Runtime Web names them. */
public enum DType {
    FLOAT32("float32", 4),
    FLOAT16("float16", 2),
    INT64("int64", 8),
    INT32("int32", 4),
    INT8("int8", 1),
    UINT8("uint8", 1),
    BOOL("bool", 1);

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

    /** @return bytes per element */
    public int byteSize() {
        return byteSize;
    }

    /** @return true for the integer types (not bool) */
    public boolean isInteger() {
        return this == INT64 || this == INT32 || this == INT8 || this == UINT8;
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
