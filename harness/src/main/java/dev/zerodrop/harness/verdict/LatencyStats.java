package dev.zerodrop.harness.verdict;

import org.HdrHistogram.Histogram;

import java.util.List;

/** Latency figures in microseconds, measured from each request's intended send time. */
public record LatencyStats(long count, long minMicros, long meanMicros, long p50Micros, long p90Micros,
                           long p99Micros, long p999Micros, long maxMicros) {

    public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0, 0, 0);

    public static LatencyStats of(List<Long> micros) {
        Accumulator a = new Accumulator();
        micros.forEach(a::add);
        return a.stats();
    }

    /**
     * Builds the figures one value at a time in constant memory: min, mean and max are exact;
     * percentiles come from an HdrHistogram with 3 significant digits, the same whatever the order.
     */
    public static final class Accumulator {
        private final Histogram histogram = new Histogram(3);
        private long min = Long.MAX_VALUE;
        private long max;
        private long sum;
        private long count;

        public void add(long value) {
            long v = Math.max(1, value);
            histogram.recordValue(v);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            count++;
        }

        public LatencyStats stats() {
            if (count == 0) {
                return EMPTY;
            }
            // HdrHistogram reports a bucket's upper edge; never above the exact max.
            return new LatencyStats(count, min, Math.round((double) sum / count), at(50), at(90), at(99), at(99.9), max);
        }

        private long at(double percentile) {
            return Math.min(max, histogram.getValueAtPercentile(percentile));
        }
    }
}
