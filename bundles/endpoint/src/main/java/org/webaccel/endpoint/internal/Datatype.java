package org.webaccel.endpoint.internal;

import java.util.Arrays;
import java.util.List;
import org.webaccel.api.tensor.DType;

/** The Open Inference Protocol's tensor datatypes that WebAccel carries, each with its element type. */
enum Datatype {
    BOOL(DType.BOOL),
    UINT8(DType.UINT8),
    INT8(DType.INT8),
    INT32(DType.INT32),
    INT64(DType.INT64),
    FP16(DType.FLOAT16),
    FP32(DType.FLOAT32),
    FP64(DType.FLOAT64),
    INT16(DType.INT16),
    UINT16(DType.UINT16),
    UINT32(DType.UINT32),
    UINT64(DType.UINT64),
    /** Strings: JSON text elements; in binary data each element is a 4-byte little-endian length and its bytes. */
    BYTES(DType.STRING);

    /** The protocol's other datatypes: valid names, but ONNX Runtime Web's tensors cannot hold them. */
    private static final List<String> UNSUPPORTED = List.of("BF16");

    private final DType dtype;

    Datatype(DType dtype) {
        this.dtype = dtype;
    }

    /** @return the element type of a tensor of this datatype */
    DType dtype() {
        return dtype;
    }

    /** @return the protocol datatype of an element type; every {@link DType} has one */
    static Datatype of(DType dtype) {
        for (Datatype d : values()) {
            if (d.dtype == dtype) {
                return d;
            }
        }
        throw new IllegalStateException("no protocol datatype for " + dtype);
    }

    /**
     * @param datatype the datatype as the request names it, e.g. {@code FP32}
     * @param input the input's name, for the message
     * @return the element type
     * @throws ProtocolException (400) naming the supported datatypes when WebAccel cannot carry this one
     */
    static DType parse(String datatype, String input) {
        for (Datatype d : values()) {
            if (d.name().equals(datatype)) {
                return d.dtype;
            }
        }
        String supported = Arrays.toString(values());
        if (UNSUPPORTED.contains(datatype)) {
            throw ProtocolException.badRequest("input '" + input + "' has datatype " + datatype
                    + ", which WebAccel does not support; supported datatypes are " + supported);
        }
        throw ProtocolException.badRequest("input '" + input + "' has unknown datatype '" + datatype
                + "'; supported datatypes are " + supported + " (names are case-sensitive)");
    }
}
