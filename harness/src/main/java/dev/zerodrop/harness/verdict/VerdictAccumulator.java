package dev.zerodrop.harness.verdict;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.UpgradeWindow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;

/**
 * Builds the verdict one record at a time, in memory that does not grow with the run: counters,
 * one HdrHistogram per phase, per version only its counts and first/last answer times, and bounded
 * lists (the first failed records, a few examples per error class). Records may come in any order
 * and from any thread; {@link Verdict#of} is this same accumulator fed all at once, so the pure
 * verdict and the live one are equal by construction (and a property test checks it).
 *
 * <p>During a run the window edges are not known in advance. They are announced with
 * {@link #windowStarted}/{@link #windowEnded}, which read the clock under this object's lock: a
 * record added before an edge was announced completed before that edge, so its phase is already
 * certain (a record cannot be intended after it ended).
 */
public final class VerdictAccumulator {
    /** Sorting by this is what makes the kept examples independent of arrival order. */
    static final Comparator<Record> ORDER = Comparator.comparingDouble(Record::intendedAtMs)
            .thenComparing(Record::cohort)
            .thenComparing(Record::target)
            .thenComparingLong(Record::seq)
            .thenComparingDouble(Record::endAtMs)
            .thenComparing(r -> r.error().label());
    static final int EXAMPLES_PER_CLASS = 3;

    private final Settings settings;
    private Double startMs;
    private Double endMs;
    private double maxEndSeen = Double.NEGATIVE_INFINITY;

    private long total;
    private long failed;
    private final Map<Channel, Tally> byChannel = new EnumMap<>(Channel.class);
    private final Map<String, Tally> byMethod = new TreeMap<>();
    private final Map<String, Tally> byCohort = new LinkedHashMap<>();
    private final Map<String, Tally> byTarget = new TreeMap<>();
    private final Map<Phase, Tally> byPhase = new EnumMap<>(Phase.class);
    private final Map<Phase, Long> failuresObserved = new EnumMap<>(Phase.class);
    private final Map<ErrorClass, Long> errors = new TreeMap<>();
    /** Per class: example text → its smallest ORDER record; at most EXAMPLES_PER_CLASS kept. */
    private final Map<ErrorClass, Map<String, Record>> examples = new TreeMap<>();
    private final Map<Integer, Long> statusCodes = new TreeMap<>();
    private final Map<Phase, LatencyStats.Accumulator> latency = new EnumMap<>(Phase.class);
    private final LatencyStats.Accumulator latencyAll = new LatencyStats.Accumulator();
    /** target → version → what the switch-over needs. */
    private final Map<String, Map<String, VersionSeen>> versions = new TreeMap<>();
    private final PriorityQueue<Record> firstFailed = new PriorityQueue<>(ORDER.reversed());
    private final Map<String, CaseData> cases = new TreeMap<>();
    private Double firstFailureEnd;
    private Double firstSteadyFailure;
    private Double lastSteadyFailure;
    private Double lastSteadyOk;
    private long steadyRecords;

    private static final class VersionSeen {
        final Map<Phase, Long> counts = new EnumMap<>(Phase.class);
        double minEnd = Double.POSITIVE_INFINITY;
        double maxEnd = Double.NEGATIVE_INFINITY;
    }

    private static final class CaseData {
        final String target;
        final String cohort;
        Tally tally = Tally.ZERO;
        final Map<ErrorClass, Long> errors = new TreeMap<>();
        final PriorityQueue<Record> first = new PriorityQueue<>(ORDER.reversed());

        CaseData(String target, String cohort) {
            this.target = target;
            this.cohort = cohort;
        }
    }

    /** For a live run: the window is announced as it happens. */
    public VerdictAccumulator(Settings settings) {
        this.settings = settings;
        for (Channel c : Channel.values()) {
            byChannel.put(c, Tally.ZERO);
        }
        for (Phase p : Phase.values()) {
            byPhase.put(p, Tally.ZERO);
            failuresObserved.put(p, 0L);
            latency.put(p, new LatencyStats.Accumulator());
        }
        settings.cohorts().forEach(c -> byCohort.put(c, Tally.ZERO));
        settings.targets().forEach(t -> byTarget.put(t, Tally.ZERO));
        for (String t : settings.targets()) {
            for (String c : settings.cohorts()) {
                cases.put(caseKey(t, c), new CaseData(t, c));
            }
        }
    }

    /** For records read back: the window is known from the start. */
    public VerdictAccumulator(Settings settings, UpgradeWindow window) {
        this(settings);
        startMs = window.startMillis();
        endMs = window.endMillis();
    }

    /**
     * Announces the window start, read from {@code clock} under the lock, and returns it. It is kept
     * strictly after every record end seen so far, so those records are BEFORE in every view.
     */
    public synchronized double windowStarted(DoubleSupplier clock) {
        startMs = Math.max(clock.getAsDouble(), nextMicro(maxEndSeen));
        return startMs;
    }

    /** As {@link #windowStarted}, for the end; never before the start. */
    public synchronized double windowEnded(DoubleSupplier clock) {
        endMs = Math.max(Math.max(clock.getAsDouble(), nextMicro(maxEndSeen)), startMs == null ? 0 : startMs);
        return endMs;
    }

    /**
     * The next microsecond after {@code ms}: times are kept (and written to JSON) at µs resolution,
     * so an edge on that grid reads back the same and stays strictly after the records before it.
     */
    static double nextMicro(double ms) {
        return Double.isInfinite(ms) ? ms : (Math.floor(ms * 1000 + 1e-6) + 1) / 1000;
    }

    /** Both edges at once (a plain attack, whose window is known before its traffic). */
    public synchronized void window(double start, double end) {
        startMs = start;
        endMs = end;
    }

    private Phase phase(double at) {
        if (startMs == null || at < startMs) {
            return Phase.BEFORE;
        }
        return endMs == null || at <= endMs ? Phase.DURING : Phase.AFTER;
    }

    public synchronized void add(Record r) {
        boolean failure = r.failed();
        maxEndSeen = Math.max(maxEndSeen, r.endAtMs());
        total++;
        Phase phase = phase(r.intendedAtMs());
        byChannel.merge(r.channel(), Tally.ZERO.plus(failure), Tally::add);
        byMethod.merge(r.method(), Tally.ZERO.plus(failure), Tally::add);
        byCohort.merge(r.cohort(), Tally.ZERO.plus(failure), Tally::add);
        byTarget.merge(r.target(), Tally.ZERO.plus(failure), Tally::add);
        byPhase.merge(phase, Tally.ZERO.plus(failure), Tally::add);
        statusCodes.merge(r.status(), 1L, Long::sum);
        CaseData c = cases.computeIfAbsent(caseKey(r.target(), r.cohort()), k -> new CaseData(r.target(), r.cohort()));
        c.tally = c.tally.plus(failure);
        boolean steady = r.cohort().equals(Record.STEADY);
        if (steady) {
            steadyRecords++;
            latency.get(phase).add(r.latencyMicros());
            latencyAll.add(r.latencyMicros());
            if (failure) {
                firstSteadyFailure = min(firstSteadyFailure, r.intendedAtMs());
                lastSteadyFailure = max(lastSteadyFailure, r.intendedAtMs());
            } else {
                lastSteadyOk = max(lastSteadyOk, r.intendedAtMs());
                if (r.version() != null) {
                    VersionSeen v = versions.computeIfAbsent(r.target(), k -> new TreeMap<>())
                            .computeIfAbsent(r.version(), k -> new VersionSeen());
                    v.counts.merge(phase, 1L, Long::sum);
                    v.minEnd = Math.min(v.minEnd, r.endAtMs());
                    v.maxEnd = Math.max(v.maxEnd, r.endAtMs());
                }
            }
        }
        if (!failure) {
            return;
        }
        failed++;
        failuresObserved.merge(phase(r.endAtMs()), 1L, Long::sum);
        errors.merge(r.error(), 1L, Long::sum);
        keepExample(r);
        keepFirst(firstFailed, r, settings.failedRecordsLimit());
        c.errors.merge(r.error(), 1L, Long::sum);
        keepFirst(c.first, r, Settings.CASE_EXAMPLES);
        firstFailureEnd = min(firstFailureEnd, r.endAtMs());
    }

    /** Keeps the {@code limit} smallest records by ORDER: a max-heap whose head is the first to go. */
    private static void keepFirst(PriorityQueue<Record> heap, Record r, int limit) {
        if (limit <= 0) {
            return;
        }
        if (heap.size() < limit) {
            heap.add(r);
        } else if (ORDER.compare(r, heap.peek()) < 0) {
            heap.poll();
            heap.add(r);
        }
    }

    /** The first EXAMPLES_PER_CLASS distinct texts by ORDER, whatever the arrival order. */
    private void keepExample(Record r) {
        Map<String, Record> kept = examples.computeIfAbsent(r.error(), k -> new LinkedHashMap<>());
        String text = example(r);
        Record known = kept.get(text);
        if (known != null) {
            if (ORDER.compare(r, known) < 0) {
                kept.put(text, r);
            }
            return;
        }
        if (kept.size() < EXAMPLES_PER_CLASS) {
            kept.put(text, r);
            return;
        }
        Map.Entry<String, Record> last = kept.entrySet().stream().max(Map.Entry.comparingByValue(ORDER)).orElseThrow();
        if (ORDER.compare(r, last.getValue()) < 0) {
            kept.remove(last.getKey());
            kept.put(text, r);
        }
    }

    static String example(Record r) {
        String what = r.message() != null ? r.message() : r.status() > 0 ? "HTTP " + r.status() : r.error().label();
        return r.target() + " " + r.cohort() + " " + r.channel().name().toLowerCase(java.util.Locale.ROOT) + " "
                + r.method() + ": " + what;
    }

    private static String caseKey(String target, String cohort) {
        return target + "\u0000" + cohort;
    }

    /** The verdict over everything added, for this window. */
    public synchronized Verdict verdict(UpgradeWindow window) {
        return verdict(window, settings);
    }

    /** As {@link #verdict(UpgradeWindow)}, with settings known only at the end (the generator's figures). */
    public synchronized Verdict verdict(UpgradeWindow window, Settings finalSettings) {
        if (startMs == null || endMs == null) {
            throw new IllegalStateException("the window was not announced");
        }
        Map<ErrorClass, List<String>> exampleTexts = new TreeMap<>();
        examples.forEach((cls, kept) -> exampleTexts.put(cls, kept.entrySet().stream()
                .sorted(Map.Entry.comparingByValue(ORDER)).map(Map.Entry::getKey).toList()));
        Map<String, SwitchOver> switchOver = switchOver(window.startMillis());
        Double rollout = switchOver.values().stream().map(SwitchOver::rolloutMillis).filter(v -> v != null)
                .max(Double::compare).orElse(null);
        Double firstFailureOffset = firstFailureEnd == null ? null : firstFailureEnd - window.startMillis();
        boolean recovered = lastSteadyFailure == null || (lastSteadyOk != null && lastSteadyOk > lastSteadyFailure);
        Double outage = firstSteadyFailure == null ? null : lastSteadyFailure - firstSteadyFailure;
        List<Record> kept = new ArrayList<>(firstFailed);
        kept.sort(ORDER);
        Map<String, CaseResult> caseResults = new LinkedHashMap<>();
        cases.values().stream()
                .sorted(Comparator.comparing((CaseData d) -> d.target).thenComparing(d -> d.cohort))
                .forEach(d -> {
                    List<Record> first = new ArrayList<>(d.first);
                    first.sort(ORDER);
                    caseResults.put(d.target + " " + d.cohort, new CaseResult(d.target, d.cohort, d.tally, d.errors, first));
                });
        Latencies latencies = new Latencies(latency.get(Phase.BEFORE).stats(), latency.get(Phase.DURING).stats(),
                latency.get(Phase.AFTER).stats(), latencyAll.stats());
        return Verdict.assemble(window, finalSettings, total, failed, byChannel, byMethod, byCohort, byTarget, byPhase,
                failuresObserved, errors, exampleTexts, statusCodes, latencies, switchOver, rollout,
                firstFailureOffset, outage, recovered, kept, failed - kept.size(), caseResults, steadyRecords);
    }

    private Map<String, SwitchOver> switchOver(double windowStart) {
        Map<String, SwitchOver> result = new TreeMap<>();
        versions.forEach((target, byVersion) -> {
            List<String> old = new ArrayList<>();
            List<String> fresh = new ArrayList<>();
            Map<Phase, Map<String, Long>> byPhaseCounts = new EnumMap<>(Phase.class);
            for (Phase p : Phase.values()) {
                byPhaseCounts.put(p, new TreeMap<>());
            }
            byVersion.forEach((version, seen) -> {
                (seen.counts.getOrDefault(Phase.BEFORE, 0L) > 0 ? old : fresh).add(version);
                seen.counts.forEach((phase, n) -> byPhaseCounts.get(phase).put(version, n));
            });
            Double firstNew = null;
            Double lastOld = null;
            if (!old.isEmpty()) {
                for (String v : fresh) {
                    firstNew = min(firstNew, byVersion.get(v).minEnd - windowStart);
                }
                for (String v : old) {
                    lastOld = max(lastOld, byVersion.get(v).maxEnd - windowStart);
                }
            }
            Double rollout = firstNew != null && lastOld != null ? Math.max(0, lastOld) : null;
            result.put(target, new SwitchOver(old, fresh, byPhaseCounts, firstNew, lastOld, rollout));
        });
        return result;
    }

    private static Double min(Double a, double b) {
        return a == null ? b : Math.min(a, b);
    }

    private static Double max(Double a, double b) {
        return a == null ? b : Math.max(a, b);
    }
}
