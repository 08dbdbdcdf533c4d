package org.webaccel.harness.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much the benchmark measures: repetitions, sizes and time windows.
 *
 * @param rounds rounds of figures 1 and 4; each round measures pool, direct page and native side by side
 * @param runsPerRound inferences per side in one round; the round's value is their median
 * @param mediumSequence the sequence length of the medium model (text-encoder)
 * @param transportBytes payload sizes of figure 2
 * @param transportRounds repetitions per payload size and transport
 * @param shapes figure 3's pool shapes as {browsers, pages per browser}
 * @param throughputWindows measured windows per shape
 * @param windowMillis length of one throughput window
 * @param kills browsers killed in figure 5, one after another
 * @param containerStarts containers started in figure 6
 * @param coldRounds rounds of fresh pages in figure 6, each loading every model once
 * @param warmRuns warm inferences per model and round in figure 6
 * @param warmupMillis how long figures 1 and 4 warm each side (sessions, wasm, the JVM's compiler) before the
 *        rounds: a server measured in its steady state, not its first minute
 * @param containerFigures whether to measure the figures that start the built container as a process (startup,
 *        kill-all): the full run does; the suite's tiny run leaves them to the benchmark, to stay short
 */
public record BenchConfig(int rounds, int runsPerRound, int mediumSequence, List<Integer> transportBytes,
        int transportRounds, List<int[]> shapes, int throughputWindows, int windowMillis, int kills,
        int containerStarts, int coldRounds, int warmRuns, int warmupMillis, boolean containerFigures) {

    /** @return the full run: a few minutes on a 2-core machine */
    public static BenchConfig full() {
        return new BenchConfig(7, 10, 128, List.of(64 << 10, 1 << 20, 4 << 20), 7,
                List.of(new int[] {1, 1}, new int[] {1, 2}, new int[] {1, 4}, new int[] {2, 1}, new int[] {2, 2}),
                5, 2000, 5, 3, 3, 10, 10_000, true);
    }

    /** @return the smallest run that still exercises every figure, for the test suite */
    public static BenchConfig tiny() {
        return new BenchConfig(2, 3, 32, List.of(64 << 10), 2, List.of(new int[] {1, 1}, new int[] {1, 2}), 2, 500,
                1, 1, 1, 2, 200, false);
    }

    /** @return the settings as a map, for the JSON */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rounds", rounds);
        m.put("runsPerRound", runsPerRound);
        m.put("mediumSequence", mediumSequence);
        m.put("transportBytes", transportBytes);
        m.put("transportRounds", transportRounds);
        m.put("shapes", shapes.stream().map(s -> s[0] + "x" + s[1]).toList());
        m.put("throughputWindows", throughputWindows);
        m.put("windowMillis", windowMillis);
        m.put("kills", kills);
        m.put("containerStarts", containerStarts);
        m.put("coldRounds", coldRounds);
        m.put("warmRuns", warmRuns);
        m.put("warmupMillis", warmupMillis);
        m.put("containerFigures", containerFigures);
        return m;
    }
}
