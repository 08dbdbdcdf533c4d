package org.webaccel.api.metrics;

import org.webaccel.api.ExecutionProvider;
import org.webaccel.api.model.ModelType;

/**
 * Where the history says models of one type run best: the backend (browser) and execution provider with the
 * lowest median latency among those with enough successful samples and an acceptable error rate.
 *
 * @param modelType the model type asked about
 * @param backend the recommended backend
 * @param browserVersion the browser version most of its samples came from, or {@code ""}
 * @param executionProvider the recommended execution provider
 * @param confidence in [0, 1]: with a runner-up, one minus the Mann-Whitney U p-value of the choice's
 *        latencies against the runner-up's, times the choice's success rate; with no alternative, only the
 *        sample size speaks ({@code n / (n + 30)} times the success rate)
 * @param samples successful inferences behind the choice
 * @param medianMs the choice's median total latency
 * @param errorRate the choice's error rate
 * @param reason one line for people, naming the runner-up when there is one
 */
public record Recommendation(ModelType modelType, String backend, String browserVersion,
        ExecutionProvider executionProvider, double confidence, long samples, double medianMs, double errorRate,
        String reason) {
}
