package org.webaccel.quantization.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.util.SplittableRandom;
import org.junit.Test;

public class BitPackingTest {

    private static byte[] codes(int n, int bits, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] c = new byte[n];
        for (int i = 0; i < n; i++) {
            c[i] = (byte) r.nextInt(1 << bits);
        }
        return c;
    }

    @Test
    public void denseLayoutPutsTheFirstCodeInTheLowBits() {
        assertArrayEquals(new byte[] {(byte) 0x21, (byte) 0x0F}, BitPacking.packDense(new byte[] {1, 2, 15}, 4));
        // 2 bits: 3, 0, 1, 2 -> 0b10_01_00_11
        assertArrayEquals(new byte[] {(byte) 0b10010011}, BitPacking.packDense(new byte[] {3, 0, 1, 2}, 2));
    }

    @Test
    public void denseRoundTripsAtTwoFourAndEightBits() {
        for (int bits : new int[] {2, 4, 8}) {
            byte[] c = codes(1001, bits, bits);
            byte[] packed = BitPacking.packDense(c, bits);
            assertEquals((1001 * bits + 7) / 8, packed.length);
            assertArrayEquals(c, BitPacking.unpackDense(packed, bits, c.length));
        }
    }

    @Test
    public void planesTakeExactlyTheirBitsAndRoundTrip() {
        for (int bits : new int[] {2, 3, 4}) {
            byte[] c = codes(1024, bits, 10 + bits);
            byte[] planes = BitPacking.packPlanes(c, bits);
            assertEquals(1024 * bits / 8, planes.length);
            assertArrayEquals(c, BitPacking.unpackPlanes(planes, bits));
        }
    }

    @Test
    public void planeLayoutHoldsBitPOfCodeIInBitIOfPlaneP() {
        byte[] c = {5, 0, 0, 0, 0, 0, 0, 2}; // 5 = 0b101 at position 0, 2 = 0b010 at position 7
        byte[] planes = BitPacking.packPlanes(c, 3);
        assertArrayEquals(new byte[] {0x01, (byte) 0x80, 0x01}, planes);
    }

    @Test
    public void codesThatDoNotFitAndRaggedCountsAreRefused() {
        try {
            BitPacking.packPlanes(new byte[] {8, 0, 0, 0, 0, 0, 0, 0}, 3);
            fail("a 4-bit code was packed into 3 bits");
        } catch (IllegalArgumentException e) {
            assertEquals("code 8 at 0 does not fit in 3 bits", e.getMessage());
        }
        try {
            BitPacking.packPlanes(new byte[7], 3);
            fail("7 codes were packed into planes");
        } catch (IllegalArgumentException e) {
            assertEquals("bit planes take a multiple of 8 codes, got 7", e.getMessage());
        }
        try {
            BitPacking.packDense(new byte[4], 3);
            fail("3 bits were packed densely");
        } catch (IllegalArgumentException e) {
            assertEquals("dense packing takes 2, 4 or 8 bits, not 3", e.getMessage());
        }
    }
}
