package org.webaccel.harness;

import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.webaccel.harness.bench.BenchOptions;
import org.webaccel.harness.bench.SchedulingBenchConfig;
import org.webaccel.harness.bench.SchedulingBenchmarkRunner;

/**
 * The full scheduling benchmark ({@code scripts/dev.sh bench-scheduling}); not part of the test suite, whose
 * naming pattern it does not match. Writes harness/target/bench/scheduling/benchmark.{txt,md,json,png}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FullSchedulingBenchmark {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        return BenchOptions.containerWith("chromium", "firefox");
    }

    @Test
    public void run() throws Exception {
        new SchedulingBenchmarkRunner(context, SchedulingBenchConfig.full()).run(BenchOptions.output("scheduling"));
    }
}
