package org.webaccel.api.tensor;

/** The value range of each integer element type (and bool), for checking values before they are narrowed. */
final class IntegerRange {
    private IntegerRange() {
    }

    private static long min(DType dtype) {
        return switch (dtype) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> 0;
        };
    }

    private static long max(DType dtype) {
        return switch (dtype) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 0xffL;
            case BOOL -> 1;
            case INT16 -> Short.MAX_VALUE;
            case UINT16 -> 0xffffL;
            case INT32 -> Integer.MAX_VALUE;
            case UINT32 -> 0xffff_ffffL;
            default -> Long.MAX_VALUE;
        };
    }

    /** @return whether {@code value} is an element of {@code dtype} (uint64: only its non-negative longs) */
    static boolean contains(DType dtype, long value) {
        return value >= min(dtype) && value <= max(dtype);
    }

    /** @return the range as text, e.g. {@code [0, 65535]} */
    static String text(DType dtype) {
        return dtype == DType.UINT64 ? "[0, 18446744073709551615]" : "[" + min(dtype) + ", " + max(dtype) + "]";
    }

    /**
     * Checks a value to be narrowed to {@code dtype}; uint64 takes every long (its bits are the element).
     *
     * @throws IllegalArgumentException naming the type's range when {@code value} lies outside it
     */
    static void check(DType dtype, long value) {
        if (dtype != DType.UINT64 && !contains(dtype, value)) {
            throw new IllegalArgumentException(value + " is outside the range of " + dtype + " " + text(dtype));
        }
    }
}
