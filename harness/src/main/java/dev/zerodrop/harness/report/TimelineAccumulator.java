package dev.zerodrop.harness.report;

import dev.zerodrop.harness.record.Record;
import org.HdrHistogram.IntCountsHistogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds {@link TimelineData} one record at a time. A second's latency histograms (2 significant
 * digits, a few KB each) are folded into their p50/p99 once the second is {@code horizonSeconds}
 * behind the newest one seen — steady answers arrive within their timeout, so nothing is lost — which
 * keeps a long soak's memory flat. A steady answer that still arrives for a folded second (a dispatch
 * lag beyond the horizon) is counted, and its latency can only raise that second's p99.
 */
public final class TimelineAccumulator {
    private static final String UNKNOWN = "unknown";

    private final double origin;
    private final long horizonSeconds;
    private final TreeMap<Long, Bin> bins = new TreeMap<>();
    private long newest = Long.MIN_VALUE;

    private static final class Bin {
        final Map<String, Long> answers = new TreeMap<>();
        long failures;
        Map<String, IntCountsHistogram> latency = new TreeMap<>();
        final Map<String, Double> p50 = new TreeMap<>();
        final Map<String, Double> p99 = new TreeMap<>();
    }

    /** @param originMillis epoch ms of second 0 (the first intended request) */
    public TimelineAccumulator(double originMillis, long horizonSeconds) {
        this.origin = originMillis;
        this.horizonSeconds = Math.max(1, horizonSeconds);
    }

    public synchronized void add(Record r) {
        boolean steady = r.cohort().equals(Record.STEADY);
        if (r.ok() && !steady) {
            return;
        }
        double at = steady ? r.intendedAtMs() : r.endAtMs();
        long second = (long) Math.floor(Math.max(0, at - origin) / 1000);
        Bin bin = bins.computeIfAbsent(second, k -> new Bin());
        if (r.failed()) {
            bin.failures++;
        } else {
            String version = r.version() == null ? UNKNOWN : r.version();
            bin.answers.merge(version, 1L, Long::sum);
            double ms = Math.max(1, r.latencyMicros()) / 1000.0;
            if (bin.latency != null) {
                bin.latency.computeIfAbsent(version, k -> new IntCountsHistogram(2)).recordValue(Math.max(1, r.latencyMicros()));
            } else {
                bin.p99.merge(version, ms, Math::max);
                bin.p50.putIfAbsent(version, ms);
            }
        }
        if (second > newest) {
            newest = second;
            fold(newest - horizonSeconds);
        }
    }

    /** Folds every second before {@code limit}. */
    private void fold(long limit) {
        for (Map.Entry<Long, Bin> e : bins.headMap(limit, false).entrySet()) {
            Bin bin = e.getValue();
            if (bin.latency == null) {
                continue;
            }
            bin.latency.forEach((version, h) -> {
                bin.p50.put(version, h.getValueAtPercentile(50) / 1000.0);
                bin.p99.put(version, h.getValueAtPercentile(99) / 1000.0);
            });
            bin.latency = null;
        }
    }

    public synchronized TimelineData data() {
        fold(Long.MAX_VALUE);
        List<TimelineData.Second> seconds = new ArrayList<>();
        bins.forEach((second, bin) -> seconds.add(new TimelineData.Second(second, new TreeMap<>(bin.answers),
                bin.failures, new TreeMap<>(bin.p50), new TreeMap<>(bin.p99))));
        return new TimelineData(origin, seconds);
    }
}
