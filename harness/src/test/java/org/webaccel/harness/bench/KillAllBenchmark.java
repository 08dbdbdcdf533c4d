package org.webaccel.harness.bench;

import java.util.List;
import org.junit.Test;

/**
 * Figure 8 alone, on the built distribution: {@code mvn verify -pl harness -am -Dtest=KillAllBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} (not part of the test suite, whose naming pattern it does not match).
 * Writes harness/target/bench/kill-all/benchmark.{txt,md,json,png}.
 */
public class KillAllBenchmark {
    @Test
    public void run() throws Exception {
        BenchConfig config = BenchConfig.full();
        Report report = new Report(BenchmarkRunner.machine(), config.asMap(), List.of(new KillAllFigure(config).measure()));
        System.out.println(report.write(BenchOptions.output("kill-all")));
    }
}
