package dev.zerodrop.harness.report;

import java.util.List;
import java.util.Map;

/**
 * The timeline's numbers, per second from the run's start: answers by served version, failures, and
 * steady latency (p50, p99 in ms) by version. Saved in report.json, so the chart can be drawn again
 * when records were not all kept.
 */
public record TimelineData(double originMillis, List<Second> seconds) {

    /**
     * @param answers  successful steady answers by version, placed at their intended time
     * @param failures failed attempts of any cohort: steady at their intended time, others when seen
     * @param p50      median steady latency (ms) by version
     * @param p99      99th percentile steady latency (ms) by version
     */
    public record Second(long second, Map<String, Long> answers, long failures, Map<String, Double> p50,
                         Map<String, Double> p99) {
    }

    public static final TimelineData EMPTY = new TimelineData(0, List.of());
}
