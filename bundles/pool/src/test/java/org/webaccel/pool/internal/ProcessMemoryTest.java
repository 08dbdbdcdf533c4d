package org.webaccel.pool.internal;

import static org.junit.Assert.assertTrue;

import java.util.OptionalLong;
import org.junit.Test;

public class ProcessMemoryTest {

    @Test
    public void theResidentMemoryOfThisProcessIsReadFromProc() {
        long bytes = ProcessMemory.residentBytes(ProcessHandle.current().pid()).orElseThrow();
        assertTrue(bytes + " bytes", bytes > 1_000_000);
        assertTrue(ProcessMemory.residentBytes(Long.MAX_VALUE).equals(OptionalLong.empty()));
    }
}
