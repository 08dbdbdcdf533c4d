package org.webaccel.dashboard.internal;

import java.time.Duration;

/**
 * What the page asks of {@code /dashboard/api/state}: how many minutes of latency history to plot. The step
 * of the plot follows from the window, so a chart never has more than {@link #MAX_POINTS} points per line.
 *
 * @param window the latency history to plot
 * @param step the length of one point
 */
record StateQuery(Duration window, Duration step) {
    static final int DEFAULT_MINUTES = 30;
    static final int MAX_MINUTES = 7 * 24 * 60;
    static final int MAX_POINTS = 120;
    private static final Duration MIN_STEP = Duration.ofSeconds(5);

    /**
     * @param minutes the {@code minutes} query parameter, or null
     * @return the query
     * @throws IllegalArgumentException saying what is accepted, when the parameter is not a whole number of
     *         minutes from 1 to a week
     */
    static StateQuery parse(String minutes) {
        int m = DEFAULT_MINUTES;
        if (minutes != null) {
            try {
                m = Integer.parseInt(minutes.trim());
            } catch (NumberFormatException e) {
                m = -1;
            }
            if (m < 1 || m > MAX_MINUTES) {
                throw new IllegalArgumentException("minutes must be a whole number from 1 to " + MAX_MINUTES
                        + "; got '" + minutes + "'");
            }
        }
        Duration window = Duration.ofMinutes(m);
        Duration step = window.dividedBy(MAX_POINTS);
        return new StateQuery(window, step.compareTo(MIN_STEP) < 0 ? MIN_STEP : step);
    }
}
