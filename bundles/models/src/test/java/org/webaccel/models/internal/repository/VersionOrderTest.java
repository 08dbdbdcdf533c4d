package org.webaccel.models.internal.repository;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class VersionOrderTest {

    @Test
    public void numbersCompareByValue() {
        assertEquals(List.of("1", "2", "9", "10", "100"), sorted("10", "2", "100", "1", "9"));
        assertEquals(List.of("1.2", "1.9", "1.10", "2.0"), sorted("1.10", "2.0", "1.9", "1.2"));
    }

    @Test
    public void aPrefixComesFirstAndTextRanksBelowNumbers() {
        assertEquals(List.of("1.0", "1.0.1"), sorted("1.0.1", "1.0"));
        assertEquals(List.of("1.beta", "1.2"), sorted("1.2", "1.beta"));
        assertEquals(List.of("1.0-alpha", "1.0-beta"), sorted("1.0-beta", "1.0-alpha"));
    }

    @Test
    public void equalValuesSpeltDifferentlyStillHaveAnOrder() {
        int c = VersionOrder.INSTANCE.compare("1.01", "1.1");
        assertEquals(-Integer.signum(c), Integer.signum(VersionOrder.INSTANCE.compare("1.1", "1.01")));
        assertEquals(true, c != 0);
        assertEquals(0, VersionOrder.INSTANCE.compare("3", "3"));
    }

    @Test
    public void hugeNumbersDoNotOverflow() {
        assertEquals(List.of("99999999999999999998", "99999999999999999999"),
                sorted("99999999999999999999", "99999999999999999998"));
    }

    private static List<String> sorted(String... versions) {
        List<String> list = new ArrayList<>(List.of(versions));
        list.sort(VersionOrder.INSTANCE);
        return list;
    }
}
