package dev.zerodrop.harness;

import dev.zerodrop.harness.cohort.CohortSpec;
import dev.zerodrop.harness.cohort.LongLivedSpec;
import dev.zerodrop.harness.cohort.SteadySpec;
import dev.zerodrop.harness.cohort.StreamSpec;
import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.rules.AnswerRules;
import dev.zerodrop.harness.rules.ValueSource;
import dev.zerodrop.harness.stream.SegmentedStream;
import dev.zerodrop.harness.traffic.LoopbackGuard;
import dev.zerodrop.harness.traffic.RequestTemplate;
import dev.zerodrop.harness.traffic.Target;
import dev.zerodrop.harness.traffic.Tls;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What traffic a run fires: the targets (with their requests), a list of cohort specs (steady
 * first), the success rules, TLS and engine tuning. Built once, validated once (including the
 * loopback guard), immutable.
 *
 * <pre>{@code
 * TrafficPlan plan = TrafficPlan.builder()
 *     .target("api", URI.create("http://127.0.0.1:8080/health"))
 *     .rate(200).baseline(Duration.ofSeconds(3)).settle(Duration.ofSeconds(5))
 *     .build();
 * }</pre>
 * The lab's own traffic is a preset: {@link Presets#lab}.
 */
public final class TrafficPlan {
    private final List<Target> targets;
    private final List<CohortSpec> cohorts;
    private final AnswerRules rules;
    private final Tls tls;
    private final Duration settle;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final Duration maxDuration;
    private final boolean allowNonLoopback;
    private final int poolSize;
    private final int ioThreads;
    private final ProgressSink progress;
    private final RecordsOutput records;
    private final String preset;
    private final boolean upgradeMustSucceed;
    private final boolean realtime;

    private TrafficPlan(Builder b, List<Target> targets, List<CohortSpec> cohorts) {
        this.targets = List.copyOf(targets);
        this.cohorts = List.copyOf(cohorts);
        this.rules = b.rules;
        this.tls = b.tls;
        this.settle = b.settle;
        this.requestTimeout = b.requestTimeout;
        this.connectTimeout = b.connectTimeout != null ? b.connectTimeout : min(b.requestTimeout, Duration.ofSeconds(2));
        this.maxDuration = b.maxDuration;
        this.allowNonLoopback = b.allowNonLoopback;
        this.poolSize = b.poolSize;
        this.ioThreads = b.ioThreads;
        this.progress = b.progress;
        this.records = b.records;
        this.preset = b.preset;
        this.upgradeMustSucceed = b.upgradeMustSucceed;
        this.realtime = b.realtime;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Target> targets() { return targets; }
    /** Steady first, then the others in the order they open. */
    public List<CohortSpec> cohorts() { return cohorts; }
    public SteadySpec steady() { return (SteadySpec) cohorts.get(0); }
    /** Steady requests per second, over all targets together. */
    public double rate() { return steady().rate(); }
    public AnswerRules rules() { return rules; }
    public Tls tls() { return tls; }
    public Duration baseline() { return steady().baseline(); }
    public Duration settle() { return settle; }
    public Duration requestTimeout() { return requestTimeout; }
    public Duration connectTimeout() { return connectTimeout; }
    public Duration maxDuration() { return maxDuration; }
    public boolean allowNonLoopback() { return allowNonLoopback; }
    public int poolSize() { return poolSize; }
    public int ioThreads() { return ioThreads; }
    public ProgressSink progress() { return progress; }
    public RecordsOutput records() { return records; }
    /** A failed upgrade makes the run INCONCLUSIVE (a pipeline gate wants the deploy done too). */
    public boolean upgradeMustSucceed() { return upgradeMustSucceed; }

    /** The schedule and I/O threads at SCHED_RR 1 ({@link dev.zerodrop.harness.traffic.Realtime}). */
    public boolean realtime() { return realtime; }
    /** The preset the plan started from, or null. */
    public String preset() { return preset; }

    public List<String> cohortNames() {
        return cohorts.stream().map(CohortSpec::name).toList();
    }

    /** The plan as plain values, for report.json. Header values never appear: only their names. */
    public Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("preset", preset);
        Map<String, Object> targetMap = new LinkedHashMap<>();
        for (Target t : targets) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("url", t.uri().toString());
            one.put("requests", t.requests().stream().map(RequestTemplate::describe).toList());
            one.put("channels", t.channels().stream().map(c -> c.name().toLowerCase(java.util.Locale.ROOT)).toList());
            targetMap.put(t.name(), one);
        }
        map.put("targets", targetMap);
        Map<String, Object> cohortMap = new LinkedHashMap<>();
        cohorts.forEach(c -> cohortMap.put(c.name(), c.describe()));
        map.put("cohorts", cohortMap);
        map.put("rules", rules.describe());
        map.put("tls", tls.describe());
        map.put("settleMillis", settle.toMillis());
        map.put("requestTimeoutMillis", requestTimeout.toMillis());
        map.put("connectTimeoutMillis", connectTimeout.toMillis());
        map.put("maxDurationMillis", maxDuration.toMillis());
        map.put("allowNonLoopback", allowNonLoopback);
        map.put("poolSize", poolSize);
        map.put("ioThreads", ioThreads);
        map.put("records", records.mode().name().toLowerCase(java.util.Locale.ROOT));
        map.put("upgradeMustSucceed", upgradeMustSucceed);
        map.put("realtime", realtime);
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
        private final List<CohortSpec> extraCohorts = new ArrayList<>();
        /** What a target added by URL is sent: a GET of its path unless a preset says otherwise. */
        private Function<URI, List<RequestTemplate>> defaultRequests = uri -> List.of(RequestTemplate.get(Target.pathAndQuery(uri)));
        private List<Channel> defaultChannels = List.of(Channel.NEW, Channel.REUSED);
        private double rate = 100;
        private int longLivedCount;
        private Duration longLivedMin = Duration.ofSeconds(10);
        private Duration longLivedMax = Duration.ofSeconds(20);
        private String longQuery = LongLivedSpec.LAB_QUERY;
        private int streams;
        private String streamPath;
        private String reconnectEvent;
        private SegmentedStream.IdRule streamIds = SegmentedStream.IdRule.CONSECUTIVE;
        private List<ValueSource> eventVersion = List.of(ValueSource.parse("json:/version"));
        private List<ValueSource> eventInstance = List.of(ValueSource.parse("json:/instance"));
        private Duration streamInterval = Duration.ofSeconds(1);
        private Duration baseline = Duration.ofSeconds(3);
        private Duration settle = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout;
        private Duration maxDuration = Duration.ofMinutes(5);
        private boolean allowNonLoopback;
        private int maxInFlight = defaultMaxInFlight();
        private int poolSize = 64;
        private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private Duration lateThreshold = Duration.ofMillis((long) GeneratorStats.DEFAULT_LATE_THRESHOLD_MILLIS);
        private ProgressSink progress = ProgressSink.lines(System.err);
        private AnswerRules rules = AnswerRules.defaults();
        private Tls tls = Tls.defaults();
        private RecordsOutput records = RecordsOutput.inMemory();
        private String preset;
        private boolean upgradeMustSucceed;
        private boolean realtime;

        Builder() {
        }

        /** A target at {@code uri}, sent the default requests (a GET of its path, or the preset's). */
        public Builder target(String name, URI uri) {
            targets.add(new Target(name, uri, defaultRequests.apply(uri), defaultChannels));
            return this;
        }

        public Builder target(Target target) {
            targets.add(Objects.requireNonNull(target));
            return this;
        }

        public List<Target> targets() {
            return List.copyOf(targets);
        }

        /** The cohorts added with {@link #cohort} so far (a preset's WebSockets, say). */
        public List<CohortSpec> cohorts() {
            return List.copyOf(extraCohorts);
        }

        /** Replaces the targets (a targets file, or a preset's targets the user overrides). */
        public Builder clearTargets() {
            targets.clear();
            return this;
        }

        /** What targets added by URL afterwards are sent, and on which channels (presets set these). */
        public Builder defaultRequests(Function<URI, List<RequestTemplate>> requests, List<Channel> channels) {
            this.defaultRequests = Objects.requireNonNull(requests);
            this.defaultChannels = List.copyOf(channels);
            return this;
        }

        /** Steady requests per second in total, split evenly over the targets. */
        public Builder rate(double perSecond) {
            this.rate = perSecond;
            return this;
        }

        /** {@code count} slow requests, durations spread evenly over [min, max], opened before the upgrade. */
        public Builder longLived(int count, Duration min, Duration max) {
            this.longLivedCount = count;
            this.longLivedMin = min;
            this.longLivedMax = max;
            return this;
        }

        /** The query that makes a request slow, {@code {ms}} replaced by its duration (default the lab's {@code sleep={ms}}). */
        public Builder longQuery(String query) {
            this.longQuery = query;
            return this;
        }

        /** SSE streams spread over the targets, each delivering its first event before the upgrade. */
        public Builder streams(int count) {
            this.streams = count;
            return this;
        }

        /** Relative to each target ({@code stream}) or absolute ({@code /events}). */
        public Builder streamPath(String path) {
            this.streamPath = path;
            return this;
        }

        /** The event that asks the client to resume elsewhere; null: a complete response is the clean end. */
        public Builder reconnectEvent(String event) {
            this.reconnectEvent = event;
            return this;
        }

        public Builder streamIds(SegmentedStream.IdRule rule) {
            this.streamIds = Objects.requireNonNull(rule);
            return this;
        }

        public Builder eventVersion(List<ValueSource> version, List<ValueSource> instance) {
            this.eventVersion = List.copyOf(version);
            this.eventInstance = List.copyOf(instance);
            return this;
        }

        public Builder streamInterval(Duration d) {
            this.streamInterval = d;
            return this;
        }

        /** Another cohort (a WebSocket cohort, say), opened after the built-in ones. */
        public Builder cohort(CohortSpec spec) {
            extraCohorts.removeIf(c -> c.name().equals(spec.name()));
            extraCohorts.add(Objects.requireNonNull(spec));
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

        public Builder rules(AnswerRules answerRules) {
            this.rules = Objects.requireNonNull(answerRules);
            return this;
        }

        public AnswerRules rules() {
            return rules;
        }

        public Builder tls(Tls settings) {
            this.tls = Objects.requireNonNull(settings);
            return this;
        }

        public Builder records(RecordsOutput output) {
            this.records = Objects.requireNonNull(output);
            return this;
        }

        /** The generator's own threads at the lowest real-time priority; checked before any traffic. */
        public Builder realtime(boolean on) {
            this.realtime = on;
            return this;
        }

        public Builder upgradeMustSucceed(boolean must) {
            this.upgradeMustSucceed = must;
            return this;
        }

        Builder preset(String name) {
            this.preset = name;
            return this;
        }

        /** Validates everything; throws IllegalArgumentException with a message that says what to fix. */
        public TrafficPlan build() {
            require(!targets.isEmpty(), "at least one target is needed");
            Set<String> names = new HashSet<>();
            for (Target t : targets) {
                require(names.add(t.name()), "duplicate target name: " + t.name());
            }
            List<CohortSpec> cohorts = new ArrayList<>();
            cohorts.add(new SteadySpec(rate, baseline, maxInFlight, lateThreshold));
            // A cohort with nothing to do is left out: it would only add "0/0" noise to every report.
            LongLivedSpec longLived = new LongLivedSpec(longLivedCount, longLivedMin, longLivedMax, longQuery);
            StreamSpec stream = new StreamSpec(streams, streamPath, streamInterval, reconnectEvent, streamIds,
                    eventVersion, eventInstance);
            longLived.validate(targets);
            stream.validate(targets);
            if (longLivedCount > 0) {
                cohorts.add(longLived);
            }
            if (streams > 0) {
                cohorts.add(stream);
            }
            extraCohorts.stream().filter(CohortSpec::active).forEach(cohorts::add);
            Set<String> cohortNames = new HashSet<>();
            for (CohortSpec c : cohorts) {
                require(cohortNames.add(c.name()), "duplicate cohort name: " + c.name());
                c.validate(targets);
            }
            extraCohorts.forEach(c -> c.validate(targets));
            require(!settle.isNegative(), "settle must not be negative");
            require(requestTimeout.toMillis() > 0, "request timeout must be positive");
            require(connectTimeout == null || connectTimeout.toMillis() > 0, "connect timeout must be positive");
            require(maxDuration.toMillis() > 0, "max duration must be positive");
            require(poolSize >= 1 && poolSize <= 10_000, "pool size must be in [1, 10000]");
            require(ioThreads >= 1 && ioThreads <= 16, "io threads must be in [1, 16]");
            LoopbackGuard.check(targets, allowNonLoopback);
            return new TrafficPlan(this, targets, cohorts);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
