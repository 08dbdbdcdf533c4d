package org.webaccel.harness.soak;

import org.junit.Test;
import org.webaccel.harness.bench.BenchOptions;

/**
 * The full soak benchmark ({@code scripts/dev.sh soak}, minutes from {@code -Dwebaccel.soak.minutes}, default
 * 10; 60 for a release); not part of the test suite, whose naming pattern it does not match. Writes
 * harness/target/bench/soak/benchmark.{txt,md,json,png}.
 */
public class SoakBenchmark {

    @Test
    public void run() throws Exception {
        new SoakRunner(SoakRunner.Config.full()).run(BenchOptions.output("soak"));
    }
}
