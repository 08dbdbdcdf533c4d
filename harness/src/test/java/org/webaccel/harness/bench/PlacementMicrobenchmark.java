package org.webaccel.harness.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The placement decision over 10, 100 and 1,000 workers, with JMH: {@code mvn verify -pl harness -am
 * -Dtest=PlacementMicrobenchmark -Dsurefire.failIfNoSpecifiedTests=false} (not part of the test suite, whose
 * naming pattern it does not match). Prints JMH's table and writes harness/target/bench/placement/jmh.json.
 */
public class PlacementMicrobenchmark {
    @Test
    public void run() throws Exception {
        Path out = BenchOptions.output("placement");
        Files.createDirectories(out);
        new Runner(new OptionsBuilder().include(org.webaccel.pool.internal.PlacementBenchmark.class.getName())
                .resultFormat(ResultFormatType.JSON).result(out.resolve("jmh.json").toString()).build()).run();
    }
}
