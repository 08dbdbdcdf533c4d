package org.webaccel.harness.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One figure of the benchmark: measured series (each a list of repeated measurements) and ratios between
 * series taken side by side, round by round, in the same run.
 */
public final class Figure {

    /**
     * Repeated measurements of one thing.
     *
     * @param name what was measured, e.g. {@code pool image-classifier}
     * @param unit the unit of the samples, e.g. {@code ms}
     * @param samples one value per repetition
     * @param summary their median and spread
     */
    public record Series(String name, String unit, List<Double> samples, Summary summary) {
    }

    /**
     * A ratio of two quantities measured in the same rounds: one ratio per round, then their summary.
     *
     * @param name what the ratio says, e.g. {@code pool / direct, image-classifier}
     * @param perRound the ratio in each round
     * @param summary their median and spread
     */
    public record Ratio(String name, List<Double> perRound, Summary summary) {
    }

    private final String id;
    private final String title;
    private final List<Series> series = new ArrayList<>();
    private final List<Ratio> ratios = new ArrayList<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();

    /**
     * @param id a short key, e.g. {@code overhead}
     * @param title a line saying what the figure compares
     */
    public Figure(String id, String title) {
        this.id = id;
        this.title = title;
    }

    /** @return the short key */
    public String id() {
        return id;
    }

    /** @return what the figure compares */
    public String title() {
        return title;
    }

    /** Adds a measured series. */
    public Figure series(String name, String unit, List<Double> samples) {
        series.add(new Series(name, unit, List.copyOf(samples), Summary.of(samples)));
        return this;
    }

    /**
     * Adds a ratio of two equally long lists of per-round values.
     *
     * @throws IllegalArgumentException when the rounds do not pair up
     */
    public Figure ratio(String name, List<Double> numerator, List<Double> denominator) {
        if (numerator.size() != denominator.size() || numerator.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + numerator.size() + " numerators for "
                    + denominator.size() + " denominators");
        }
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < numerator.size(); i++) {
            r.add(numerator.get(i) / denominator.get(i));
        }
        ratios.add(new Ratio(name, List.copyOf(r), Summary.of(r)));
        return this;
    }

    /** Records a fact of the run that is not a repeated measurement (a count, a setting). */
    public Figure fact(String key, Object value) {
        facts.put(key, value);
        return this;
    }

    /** @return the measured series, in the order added */
    public List<Series> series() {
        return Collections.unmodifiableList(series);
    }

    /** @return the ratios, in the order added */
    public List<Ratio> ratios() {
        return Collections.unmodifiableList(ratios);
    }

    /** @return the facts, in the order added */
    public Map<String, Object> facts() {
        return Collections.unmodifiableMap(facts);
    }

    /**
     * @param name a series name
     * @return that series
     * @throws IllegalArgumentException naming the series there are
     */
    public Series find(String name) {
        return series.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no series '" + name + "' in " + id + ": "
                        + series.stream().map(Series::name).toList()));
    }
}
