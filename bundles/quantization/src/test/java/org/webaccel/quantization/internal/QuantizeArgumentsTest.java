package org.webaccel.quantization.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;

import java.util.List;
import org.junit.Test;
import org.webaccel.api.quantization.Budget;

public class QuantizeArgumentsTest {

    private static QuantizeArguments parse(String bits, String group, boolean sym, boolean asym, boolean mixed,
            String budget, String ep, String inputs) {
        return QuantizeArguments.parse("text-encoder", bits, group, sym, asym, mixed, budget, "", ep, inputs);
    }

    private static void refused(String expected, String bits, String group, boolean sym, boolean asym, boolean mixed,
            String budget, String ep, String inputs) {
        try {
            parse(bits, group, sym, asym, mixed, budget, ep, inputs);
            fail("accepted; expected: " + expected);
        } catch (IllegalArgumentException e) {
            assertEquals(expected, e.getMessage());
        }
    }

    @Test
    public void uniformAndMixedRequestsAreRead() {
        QuantizeArguments a = parse("4", "32", false, false, false, "", "wasm", "8");
        assertEquals(4, a.spec().bits());
        assertEquals(true, a.spec().symmetric());
        assertNull(a.mixed());
        QuantizeArguments m = parse("2,4,8", "64", false, true, true, "size=25%", "webgpu", "2");
        assertEquals(List.of(2, 4, 8), m.mixed().candidateBits());
        assertEquals(false, m.mixed().symmetric());
        assertEquals(new Budget(Budget.Kind.MAX_SIZE_FRACTION, 0.25), m.mixed().budget());
        assertEquals(List.of(2, 3, 4, 8), parse("", "32", false, false, true, "cosine=0.99", "wasm", "8")
                .mixed().candidateBits());
    }

    @Test
    public void eachBadArgumentGetsItsOwnError() {
        refused("--bits must be one of [2, 3, 4, 8]; got 5", "5", "32", false, false, false, "", "wasm", "8");
        refused("--bits takes a whole number; got 'four'", "four", "32", false, false, false, "", "wasm", "8");
        refused("give --bits 2, 3, 4 or 8, or --mixed --budget ...", "", "32", false, false, false, "", "wasm", "8");
        refused("--group must be one of [32, 64, 128]; got 48", "4", "48", false, false, false, "", "wasm", "8");
        refused("give --symmetric or --asymmetric, not both", "4", "32", true, true, false, "", "wasm", "8");
        refused("--budget applies to --mixed plans only", "4", "32", false, false, false, "size=30%", "wasm", "8");
        refused("--mixed needs --budget size=PERCENT%, size=BYTES or cosine=MIN", "", "32", false, false, true, "",
                "wasm", "8");
        refused("--bits takes one width without --mixed; got 2,4", "2,4", "32", false, false, false, "", "wasm", "8");
        refused("a mixed plan chooses between widths: give --bits two or more of [2, 3, 4, 8], e.g. --bits 2,4,8 "
                + "(default all four)", "4", "32", false, false, true, "size=30%", "wasm", "8");
        refused("--inputs must be 1..64; got 0", "4", "32", false, false, false, "", "wasm", "0");
        refused("a size budget in percent must be above 0 % and below 100 %; got 150.0 %", "", "32", false, false, true,
                "size=150%", "wasm", "8");
        refused("cannot read the budget 'speed=fast'; expected size=PERCENT% (e.g. size=30%), size=BYTES (e.g. "
                + "size=400KB, size=1.5MiB, size=300000) or cosine=MIN (e.g. cosine=0.999)", "", "32", false, false,
                true, "speed=fast", "wasm", "8");
        try {
            parse("4", "32", false, false, false, "", "cuda", "8");
            fail("cuda accepted");
        } catch (IllegalArgumentException e) {
            assertEquals(true, e.getMessage().contains("cuda"));
        }
    }

    @Test
    public void budgetsReadTheirUnits() {
        assertEquals(new Budget(Budget.Kind.MAX_BYTES, 400_000), Budget.parse("size=400KB"));
        assertEquals(new Budget(Budget.Kind.MAX_BYTES, 1_572_864), Budget.parse("size=1.5MiB"));
        assertEquals(new Budget(Budget.Kind.MAX_BYTES, 300_000), Budget.parse("size=300000"));
        assertEquals(new Budget(Budget.Kind.MIN_COSINE, 0.999), Budget.parse("cosine=0.999"));
        assertEquals("size30pct", Budget.parse("size=30%").tag());
    }
}
