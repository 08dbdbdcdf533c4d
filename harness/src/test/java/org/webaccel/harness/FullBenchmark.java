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
import org.webaccel.harness.bench.BenchConfig;
import org.webaccel.harness.bench.BenchOptions;
import org.webaccel.harness.bench.BenchmarkRunner;

/**
 * The full benchmark ({@code scripts/dev.sh bench}); not part of the test suite, whose naming pattern it
 * does not match. Writes harness/target/bench/benchmark.{txt,md,json,png}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FullBenchmark {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        return BenchOptions.container();
    }

    @Test
    public void run() throws Exception {
        new BenchmarkRunner(context, BenchConfig.full()).run(BenchOptions.output(null));
    }
}
