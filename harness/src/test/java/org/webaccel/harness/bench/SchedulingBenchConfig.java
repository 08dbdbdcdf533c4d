package org.webaccel.harness.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much the scheduling benchmark measures.
 *
 * @param rounds rounds; every round measures each side of a comparison once, so ratios pair up by round
 * @param windowMillis length of one measured window
 * @param settleMillis load run before each window and thrown away (sessions load, queues fill)
 * @param workerCounts pages of one Chromium browser compared in the workers figure
 * @param clients closed-loop clients of the workers figure, the same for every worker count
 * @param textSequence sequence length of text-encoder in the workers figure
 * @param batchClients closed-loop clients of the batching figure, on and off alike
 * @param batchMaxSize {@code batchMaxSize} of image-classifier when batching is on
 * @param batchDelayMillis {@code batchMaxDelayMillis} of image-classifier when batching is on
 * @param placementClients closed-loop clients of the placement figure
 * @param placementSequence sequence length of text-encoder in the placement figure (kept short: WebGPU here
 *        is SwiftShader, on the CPU)
 * @param minSamples the scheduler's {@code minSamples}; the warm-up gives every key this many and a few more
 */
public record SchedulingBenchConfig(int rounds, int windowMillis, int settleMillis, List<Integer> workerCounts,
        int clients, int textSequence, int batchClients, int batchMaxSize, int batchDelayMillis,
        int placementClients, int placementSequence, int minSamples) {

    /** @return the full run: about ten minutes on a 2-core machine */
    public static SchedulingBenchConfig full() {
        return new SchedulingBenchConfig(5, 3000, 1000, List.of(1, 2, 4), 8, 128, 16, 8, 2, 4, 16, 20);
    }

    /** @return the smallest run that still produces every figure, for the test suite */
    public static SchedulingBenchConfig tiny() {
        return new SchedulingBenchConfig(2, 600, 200, List.of(1, 2), 4, 16, 8, 4, 2, 2, 8, 3);
    }

    /** @return the settings as a map, for the JSON */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rounds", rounds);
        m.put("windowMillis", windowMillis);
        m.put("settleMillis", settleMillis);
        m.put("workerCounts", workerCounts);
        m.put("clients", clients);
        m.put("textSequence", textSequence);
        m.put("batchClients", batchClients);
        m.put("batchMaxSize", batchMaxSize);
        m.put("batchDelayMillis", batchDelayMillis);
        m.put("placementClients", placementClients);
        m.put("placementSequence", placementSequence);
        m.put("minSamples", minSamples);
        return m;
    }
}
