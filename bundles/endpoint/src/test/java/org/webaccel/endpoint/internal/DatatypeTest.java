package org.webaccel.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.webaccel.api.tensor.DType;

public class DatatypeTest {

    @Test
    public void everyElementTypeHasAProtocolDatatypeAndBack() {
        for (DType t : DType.values()) {
            assertEquals(t, Datatype.parse(Datatype.of(t).name(), "x"));
        }
        assertEquals(DType.FLOAT16, Datatype.parse("FP16", "x"));
        assertEquals(DType.FLOAT32, Datatype.parse("FP32", "x"));
    }

    @Test
    public void aProtocolDatatypeWebAccelCannotCarryIsRefusedByName() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Datatype.parse("BF16", "pixels"));
        assertEquals(400, e.status());
        assertEquals("input 'pixels' has datatype BF16, which WebAccel does not support; supported datatypes are "
                + "[BOOL, UINT8, INT8, INT32, INT64, FP16, FP32, FP64, INT16, UINT16, UINT32, UINT64, BYTES]",
                e.getMessage());
    }

    @Test
    public void anUnknownDatatypeIsRefusedNamingTheSupportedOnes() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> Datatype.parse("fp32", "pixels"));
        assertTrue(e.getMessage(), e.getMessage().startsWith("input 'pixels' has unknown datatype 'fp32'"));
        assertTrue(e.getMessage(), e.getMessage().contains("case-sensitive"));
    }
}
