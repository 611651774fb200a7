package dev.zerodrop.harness;

import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.traffic.LoopbackGuard;
import dev.zerodrop.harness.traffic.Target;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What traffic a run fires. Built once, validated once (including the loopback guard), immutable.
 *
 * <pre>{@code
 * TrafficPlan plan = TrafficPlan.builder()
 *     .target("go-app", URI.create("http://127.0.0.1:18081/go-app/"))
 *     .rate(500).longLived(20, Duration.ofSeconds(10), Duration.ofSeconds(20)).streams(10)
 *     .baseline(Duration.ofSeconds(3)).settle(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 */
public final class TrafficPlan {
    private final List<Target> targets;
    private final double rate;
    private final int longLivedCount;
    private final Duration longLivedMin;
    private final Duration longLivedMax;
    private final int streams;
    private final Duration baseline;
    private final Duration settle;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final Duration maxDuration;
    private final Duration streamInterval;
    private final boolean allowNonLoopback;
    private final int maxInFlight;
    private final int poolSize;
    private final int ioThreads;
    private final Duration lateThreshold;
    private final ProgressSink progress;

    private TrafficPlan(Builder b) {
        this.targets = List.copyOf(b.targets);
        this.rate = b.rate;
        this.longLivedCount = b.longLivedCount;
        this.longLivedMin = b.longLivedMin;
        this.longLivedMax = b.longLivedMax;
        this.streams = b.streams;
        this.baseline = b.baseline;
        this.settle = b.settle;
        this.requestTimeout = b.requestTimeout;
        this.connectTimeout = b.connectTimeout != null ? b.connectTimeout
                : min(b.requestTimeout, Duration.ofSeconds(2));
        this.maxDuration = b.maxDuration;
        this.streamInterval = b.streamInterval;
        this.allowNonLoopback = b.allowNonLoopback;
        this.maxInFlight = b.maxInFlight;
        this.poolSize = b.poolSize;
        this.ioThreads = b.ioThreads;
        this.lateThreshold = b.lateThreshold;
        this.progress = b.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Target> targets() { return targets; }
    /** Steady requests per second, over all targets together. */
    public double rate() { return rate; }
    public int longLivedCount() { return longLivedCount; }
    public Duration longLivedMin() { return longLivedMin; }
    public Duration longLivedMax() { return longLivedMax; }
    public int streams() { return streams; }
    public Duration baseline() { return baseline; }
    public Duration settle() { return settle; }
    public Duration requestTimeout() { return requestTimeout; }
    public Duration connectTimeout() { return connectTimeout; }
    public Duration maxDuration() { return maxDuration; }
    /** The apps' tick interval; a stream with no event for 3x this is cut. */
    public Duration streamInterval() { return streamInterval; }
    public Duration streamIdleTimeout() { return streamInterval.multipliedBy(3); }
    public boolean allowNonLoopback() { return allowNonLoopback; }
    public int maxInFlight() { return maxInFlight; }
    public int poolSize() { return poolSize; }
    public int ioThreads() { return ioThreads; }
    /** A dispatch later than this is late; too many late ones make the run INCONCLUSIVE. */
    public Duration lateThreshold() { return lateThreshold; }
    public ProgressSink progress() { return progress; }

    /** Sleep of long-lived request k: spread evenly over [min, max]. */
    public Duration longLivedSleep(int k) {
        if (longLivedCount <= 1) {
            return longLivedMin;
        }
        long span = longLivedMax.toMillis() - longLivedMin.toMillis();
        return longLivedMin.plusMillis(Math.round((double) span * k / (longLivedCount - 1)));
    }

    /** The plan as plain values, for report.json. */
    public Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        Map<String, String> targetMap = new LinkedHashMap<>();
        targets.forEach(t -> targetMap.put(t.name(), t.uri().toString()));
        map.put("targets", targetMap);
        map.put("rate", rate);
        map.put("longLived", longLivedCount);
        map.put("longLivedMinMillis", longLivedMin.toMillis());
        map.put("longLivedMaxMillis", longLivedMax.toMillis());
        map.put("streams", streams);
        map.put("baselineMillis", baseline.toMillis());
        map.put("settleMillis", settle.toMillis());
        map.put("requestTimeoutMillis", requestTimeout.toMillis());
        map.put("connectTimeoutMillis", connectTimeout.toMillis());
        map.put("maxDurationMillis", maxDuration.toMillis());
        map.put("streamIntervalMillis", streamInterval.toMillis());
        map.put("allowNonLoopback", allowNonLoopback);
        map.put("maxInFlight", maxInFlight);
        map.put("poolSize", poolSize);
        map.put("ioThreads", ioThreads);
        map.put("lateThresholdMillis", lateThreshold.toMillis());
        return map;
    }

    /**
     * 20 000, or fewer when the process may not open that many files: each in-flight request on a
     * new connection holds a socket, and running out of descriptors would look like target failures.
     */
    static int defaultMaxInFlight() {
        long limit = Long.MAX_VALUE;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            limit = unix.getMaxFileDescriptorCount();
        }
        return (int) Math.max(100, Math.min(20_000, limit - 1_000));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public static final class Builder {
        private final List<Target> targets = new ArrayList<>();
        private double rate = 100;
        private int longLivedCount;
        private Duration longLivedMin = Duration.ofSeconds(10);
        private Duration longLivedMax = Duration.ofSeconds(20);
        private int streams;
        private Duration baseline = Duration.ofSeconds(3);
        private Duration settle = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout;
        private Duration maxDuration = Duration.ofMinutes(5);
        private Duration streamInterval = Duration.ofSeconds(1);
        private boolean allowNonLoopback;
        private int maxInFlight = defaultMaxInFlight();
        private int poolSize = 64;
        private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private Duration lateThreshold = Duration.ofMillis((long) GeneratorStats.DEFAULT_LATE_THRESHOLD_MILLIS);
        private ProgressSink progress = ProgressSink.lines(System.err);

        private Builder() {
        }

        public Builder target(String name, URI uri) {
            targets.add(new Target(name, uri));
            return this;
        }

        public Builder target(Target target) {
            targets.add(Objects.requireNonNull(target));
            return this;
        }

        /** Steady requests per second in total, split evenly over the targets. */
        public Builder rate(double perSecond) {
            this.rate = perSecond;
            return this;
        }

        /** {@code count} slow GETs ({@code ?sleep=}), sleeps spread evenly over [min, max], opened before the upgrade. */
        public Builder longLived(int count, Duration min, Duration max) {
            this.longLivedCount = count;
            this.longLivedMin = min;
            this.longLivedMax = max;
            return this;
        }

        /** SSE streams spread over the targets, each delivering its first event before the upgrade. */
        public Builder streams(int count) {
            this.streams = count;
            return this;
        }

        /** Clean traffic required before the upgrade runs; zero skips the check. */
        public Builder baseline(Duration d) {
            this.baseline = d;
            return this;
        }

        /** Traffic keeps flowing this long after the upgrade returns. */
        public Builder settle(Duration d) {
            this.settle = d;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        /** Defaults to the smaller of the request timeout and 2 s. */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** Hard cap on the whole run: traffic stops and the upgrade is killed at this point. */
        public Builder maxDuration(Duration d) {
            this.maxDuration = d;
            return this;
        }

        public Builder streamInterval(Duration d) {
            this.streamInterval = d;
            return this;
        }

        /** Off by default: any target that does not resolve to loopback is refused. */
        public Builder allowNonLoopback(boolean allow) {
            this.allowNonLoopback = allow;
            return this;
        }

        /** Requests in flight at most; a request due beyond this is skipped and counted (overload). */
        public Builder maxInFlight(int n) {
            this.maxInFlight = n;
            return this;
        }

        /** Keep-alive connections per target, at most. */
        public Builder poolSize(int n) {
            this.poolSize = n;
            return this;
        }

        public Builder ioThreads(int n) {
            this.ioThreads = n;
            return this;
        }

        /** How late a dispatch may be before it counts as late (default 100 ms). */
        public Builder lateThreshold(Duration d) {
            this.lateThreshold = d;
            return this;
        }

        public Builder progress(ProgressSink sink) {
            this.progress = Objects.requireNonNull(sink);
            return this;
        }

        /** Validates everything; throws IllegalArgumentException with a message that says what to fix. */
        public TrafficPlan build() {
            require(!targets.isEmpty(), "at least one target is needed");
            Set<String> names = new HashSet<>();
            for (Target t : targets) {
                require(names.add(t.name()), "duplicate target name: " + t.name());
            }
            require(rate > 0 && rate <= 100_000, "rate must be in (0, 100000] req/s: " + rate);
            require(longLivedCount >= 0 && longLivedCount <= 1000, "long-lived count must be in [0, 1000]");
            require(!longLivedMin.isNegative() && longLivedMin.compareTo(longLivedMax) <= 0,
                    "long-lived sleeps need 0 <= min <= max");
            require(streams >= 0 && streams <= 50, "streams must be in [0, 50]");
            require(!baseline.isNegative(), "baseline must not be negative");
            require(!settle.isNegative(), "settle must not be negative");
            require(requestTimeout.toMillis() > 0, "request timeout must be positive");
            require(connectTimeout == null || connectTimeout.toMillis() > 0, "connect timeout must be positive");
            require(maxDuration.toMillis() > 0, "max duration must be positive");
            require(streamInterval.toMillis() > 0, "stream interval must be positive");
            require(maxInFlight >= 1, "max in-flight must be at least 1");
            require(poolSize >= 1 && poolSize <= 10_000, "pool size must be in [1, 10000]");
            require(ioThreads >= 1 && ioThreads <= 16, "io threads must be in [1, 16]");
            require(lateThreshold.toMillis() >= 1, "late threshold must be at least 1 ms");
            LoopbackGuard.check(targets, allowNonLoopback);
            return new TrafficPlan(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
