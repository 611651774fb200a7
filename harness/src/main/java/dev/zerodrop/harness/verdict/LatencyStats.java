package dev.zerodrop.harness.verdict;

import org.HdrHistogram.Histogram;

import java.util.List;

/** Latency figures in microseconds, measured from each request's intended send time. */
public record LatencyStats(long count, long minMicros, long meanMicros, long p50Micros, long p90Micros,
                           long p99Micros, long p999Micros, long maxMicros) {

    public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0, 0, 0);

    /** Min, mean and max are exact; percentiles come from an HdrHistogram with 3 significant digits. */
    public static LatencyStats of(List<Long> micros) {
        if (micros.isEmpty()) {
            return EMPTY;
        }
        Histogram histogram = new Histogram(3);
        long min = Long.MAX_VALUE;
        long max = 0;
        long sum = 0;
        for (long value : micros) {
            long v = Math.max(1, value);
            histogram.recordValue(v);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        return new LatencyStats(micros.size(), min, Math.round((double) sum / micros.size()),
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(90),
                histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9), max);
    }
}
