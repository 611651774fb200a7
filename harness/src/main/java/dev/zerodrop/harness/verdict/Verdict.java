package dev.zerodrop.harness.verdict;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.Cohort;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.UpgradeWindow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The decision over a run's records. {@link #of} is a pure function: no clock, no I/O, and the input
 * order does not matter, so the same records always give an equal verdict and identical JSON.
 *
 * <p>A record's phase is the phase of its intended time. Long-lived requests and streams are opened
 * before the upgrade, so they count as BEFORE in the phase tables; {@code failuresObserved} instead
 * places every failure at the moment it was seen, which is what the headline reports.
 */
public record Verdict(
        Outcome outcome,
        String headline,
        long total,
        long succeeded,
        long failed,
        Map<Channel, Tally> byChannel,
        Map<String, Tally> byMethod,
        Map<Cohort, Tally> byCohort,
        Map<String, Tally> byTarget,
        Map<Phase, Tally> byPhase,
        Map<Phase, Long> failuresObserved,
        Map<ErrorClass, Long> errors,
        Map<ErrorClass, List<String>> errorExamples,
        Map<Integer, Long> statusCodes,
        Latencies latency,
        Map<String, SwitchOver> switchOver,
        Double rolloutMillis,
        Double firstFailureOffsetMillis,
        Double recoveryMillis,
        boolean inconclusive,
        List<String> inconclusiveReasons,
        List<Record> failedRecords,
        long failedRecordsOmitted) {

    public enum Outcome { PASS, FAIL, INCONCLUSIVE }

    /** Read-only views: a verdict, once made, cannot be edited. */
    public Verdict {
        byChannel = Collections.unmodifiableMap(byChannel);
        byMethod = Collections.unmodifiableMap(byMethod);
        byCohort = Collections.unmodifiableMap(byCohort);
        byTarget = Collections.unmodifiableMap(byTarget);
        byPhase = Collections.unmodifiableMap(byPhase);
        failuresObserved = Collections.unmodifiableMap(failuresObserved);
        errors = Collections.unmodifiableMap(errors);
        Map<ErrorClass, List<String>> examples = new TreeMap<>();
        errorExamples.forEach((k, v) -> examples.put(k, List.copyOf(v)));
        errorExamples = Collections.unmodifiableMap(examples);
        statusCodes = Collections.unmodifiableMap(statusCodes);
        switchOver = Collections.unmodifiableMap(switchOver);
        inconclusiveReasons = List.copyOf(inconclusiveReasons);
        failedRecords = List.copyOf(failedRecords);
    }

    private static final int EXAMPLES_PER_CLASS = 3;

    /** Sorting first is what makes the verdict independent of the order records arrived in. */
    private static final Comparator<Record> ORDER = Comparator.comparingDouble(Record::intendedAtMs)
            .thenComparing(Record::cohort)
            .thenComparing(Record::target)
            .thenComparingLong(Record::seq)
            .thenComparingDouble(Record::endAtMs);

    /** Zero failures, nothing inconclusive, and at least one success. */
    public boolean pass() {
        return outcome == Outcome.PASS;
    }

    public static Verdict of(List<Record> input, UpgradeWindow window, Settings settings) {
        List<Record> records = new ArrayList<>(input);
        records.sort(ORDER);

        Map<Channel, Tally> byChannel = zeroTallies(Channel.class);
        Map<Cohort, Tally> byCohort = zeroTallies(Cohort.class);
        Map<Phase, Tally> byPhase = zeroTallies(Phase.class);
        Map<String, Tally> byMethod = new TreeMap<>();
        Map<String, Tally> byTarget = new TreeMap<>();
        Map<Phase, Long> failuresObserved = zeroCounts(Phase.class);
        Map<ErrorClass, Long> errors = new TreeMap<>();
        Map<ErrorClass, List<String>> examples = new TreeMap<>();
        Map<Integer, Long> statusCodes = new TreeMap<>();
        List<Record> failedRecords = new ArrayList<>();
        long failed = 0;
        long omitted = 0;
        Double firstFailureAt = null;

        for (Record r : records) {
            boolean failure = r.failed();
            byChannel.merge(r.channel(), Tally.ZERO.plus(failure), Verdict::add);
            byCohort.merge(r.cohort(), Tally.ZERO.plus(failure), Verdict::add);
            byPhase.merge(Phase.of(r.intendedAtMs(), window), Tally.ZERO.plus(failure), Verdict::add);
            byMethod.merge(r.method(), Tally.ZERO.plus(failure), Verdict::add);
            byTarget.merge(r.target(), Tally.ZERO.plus(failure), Verdict::add);
            statusCodes.merge(r.status(), 1L, Long::sum);
            if (!failure) {
                continue;
            }
            failed++;
            failuresObserved.merge(Phase.of(r.endAtMs(), window), 1L, Long::sum);
            errors.merge(r.error(), 1L, Long::sum);
            List<String> list = examples.computeIfAbsent(r.error(), k -> new ArrayList<>());
            String example = example(r);
            if (list.size() < EXAMPLES_PER_CLASS && !list.contains(example)) {
                list.add(example);
            }
            if (failedRecords.size() < settings.failedRecordsLimit()) {
                failedRecords.add(r);
            } else {
                omitted++;
            }
            if (firstFailureAt == null || r.endAtMs() < firstFailureAt) {
                firstFailureAt = r.endAtMs();
            }
        }

        List<Record> steady = records.stream().filter(r -> r.cohort() == Cohort.STEADY).toList();
        Latencies latency = latencies(steady, window);
        Map<String, SwitchOver> switchOver = switchOver(steady, window);
        Double rollout = switchOver.values().stream()
                .map(SwitchOver::rolloutMillis)
                .filter(v -> v != null)
                .max(Double::compare)
                .orElse(null);
        Double recovery = recovery(steady);
        Double firstFailureOffset = firstFailureAt == null ? null : firstFailureAt - window.startMillis();

        long total = records.size();
        List<String> reasons = inconclusiveReasons(records, steady.size(), window, settings);
        // Failures are facts whatever the generator did, so FAIL wins; a lagging generator can only hide
        // drops (too little traffic at the critical moment), so it turns a would-be PASS into INCONCLUSIVE.
        Outcome outcome = failed > 0 ? Outcome.FAIL : !reasons.isEmpty() ? Outcome.INCONCLUSIVE : Outcome.PASS;
        String headline = headline(outcome, total, failed, byChannel, byMethod, byCohort, errors, failuresObserved,
                firstFailureOffset, recovery, steady, reasons)
                + (window.succeeded() || settings.upgradeMustSucceed() ? "" : " [note: upgrade '" + window.name()
                + "' " + (window.error() != null ? "failed: " + window.error() : "exited " + window.exitCode()) + "]");

        return new Verdict(outcome, headline, total, total - failed, failed, byChannel, byMethod, byCohort, byTarget,
                byPhase, failuresObserved, errors, examples, statusCodes, latency, switchOver, rollout,
                firstFailureOffset, recovery, !reasons.isEmpty(), reasons, List.copyOf(failedRecords), omitted);
    }

    private static Tally add(Tally a, Tally b) {
        return new Tally(a.total() + b.total(), a.failed() + b.failed());
    }

    /** Every enum key present, so the JSON has the same shape whatever the records. */
    private static <E extends Enum<E>> Map<E, Tally> zeroTallies(Class<E> type) {
        Map<E, Tally> map = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            map.put(e, Tally.ZERO);
        }
        return map;
    }

    private static <E extends Enum<E>> Map<E, Long> zeroCounts(Class<E> type) {
        Map<E, Long> map = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            map.put(e, 0L);
        }
        return map;
    }

    private static String example(Record r) {
        String what = r.message() != null ? r.message() : r.status() > 0 ? "HTTP " + r.status() : r.error().label();
        return r.target() + " " + r.cohort().name().toLowerCase(Locale.ROOT) + " " + r.channel().name().toLowerCase(
                Locale.ROOT) + " " + r.method() + ": " + what;
    }

    private static Latencies latencies(List<Record> steady, UpgradeWindow window) {
        Map<Phase, List<Long>> byPhase = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            byPhase.put(p, new ArrayList<>());
        }
        List<Long> all = new ArrayList<>();
        for (Record r : steady) {
            byPhase.get(Phase.of(r.intendedAtMs(), window)).add(r.latencyMicros());
            all.add(r.latencyMicros());
        }
        return new Latencies(LatencyStats.of(byPhase.get(Phase.BEFORE)), LatencyStats.of(byPhase.get(Phase.DURING)),
                LatencyStats.of(byPhase.get(Phase.AFTER)), LatencyStats.of(all));
    }

    private static Map<String, SwitchOver> switchOver(List<Record> steady, UpgradeWindow window) {
        Map<String, List<Record>> answersByTarget = steady.stream()
                .filter(r -> r.ok() && r.version() != null)
                .collect(Collectors.groupingBy(Record::target, TreeMap::new, Collectors.toList()));
        Map<String, SwitchOver> result = new TreeMap<>();
        answersByTarget.forEach((target, answers) -> {
            Set<String> old = new TreeSet<>();
            Set<String> seen = new TreeSet<>();
            Map<Phase, Map<String, Long>> versionsByPhase = new EnumMap<>(Phase.class);
            for (Phase p : Phase.values()) {
                versionsByPhase.put(p, new TreeMap<>());
            }
            for (Record r : answers) {
                Phase phase = Phase.of(r.intendedAtMs(), window);
                versionsByPhase.get(phase).merge(r.version(), 1L, Long::sum);
                seen.add(r.version());
                if (phase == Phase.BEFORE) {
                    old.add(r.version());
                }
            }
            Set<String> fresh = new TreeSet<>(seen);
            fresh.removeAll(old);
            Double firstNew = null;
            Double lastOld = null;
            if (!old.isEmpty()) {
                for (Record r : answers) {
                    double offset = r.endAtMs() - window.startMillis();
                    if (fresh.contains(r.version())) {
                        firstNew = firstNew == null ? offset : Math.min(firstNew, offset);
                    } else {
                        lastOld = lastOld == null ? offset : Math.max(lastOld, offset);
                    }
                }
            }
            Double rollout = firstNew != null && lastOld != null ? Math.max(0, lastOld) : null;
            result.put(target, new SwitchOver(List.copyOf(old), List.copyOf(fresh), versionsByPhase, firstNew,
                    lastOld, rollout));
        });
        return result;
    }

    /** First failed steady request to the first good one after the last failure, by intended time. */
    private static Double recovery(List<Record> steady) {
        Record firstFailure = null;
        Record lastFailure = null;
        for (Record r : steady) {
            if (r.failed()) {
                firstFailure = firstFailure == null ? r : firstFailure;
                lastFailure = r;
            }
        }
        if (firstFailure == null) {
            return null;
        }
        for (Record r : steady) {
            if (r.ok() && r.intendedAtMs() > lastFailure.intendedAtMs()) {
                return r.intendedAtMs() - firstFailure.intendedAtMs();
            }
        }
        return null;
    }

    private static List<String> inconclusiveReasons(List<Record> records, long steadyRecords, UpgradeWindow window,
                                                    Settings settings) {
        List<String> reasons = new ArrayList<>();
        GeneratorStats g = settings.generator();
        if (g != null) {
            if (g.overload() > 0) {
                reasons.add("generator overloaded: " + g.overload() + " requests skipped at the in-flight cap");
            }
            if (g.sent() > 0 && g.lateDispatches() > settings.lateFractionLimit() * g.sent()) {
                reasons.add(String.format(Locale.ROOT, "generator fell behind: %d of %d dispatches late by more than %.0f ms",
                        g.lateDispatches(), g.sent(), g.lateThresholdMillis()));
            }
            if (g.maxLagMillis() > settings.maxLagLimitMillis()) {
                reasons.add(String.format(Locale.ROOT, "generator stalled: a dispatch was %.0f ms late", g.maxLagMillis()));
            }
            if (g.stoppedByMaxDuration()) {
                reasons.add("the run hit its max duration");
            }
            if (steadyRecords != g.sent()) {
                reasons.add("records do not match the generator: " + steadyRecords + " steady records for "
                        + g.sent() + " sent requests");
            }
        }
        if (settings.upgradeMustSucceed() && !window.succeeded()) {
            reasons.add("upgrade '" + window.name() + "' failed: "
                    + (window.error() != null ? window.error() : "exit code " + window.exitCode()));
        }
        if (records.isEmpty()) {
            reasons.add("no traffic was recorded");
        }
        return List.copyOf(reasons);
    }

    private static String headline(Outcome outcome, long total, long failed, Map<Channel, Tally> byChannel,
                                   Map<String, Tally> byMethod, Map<Cohort, Tally> byCohort,
                                   Map<ErrorClass, Long> errors, Map<Phase, Long> observed, Double firstFailureOffset,
                                   Double recovery, List<Record> steady, List<String> reasons) {
        String breakdown = "new " + byChannel.get(Channel.NEW).brief()
                + ", reused " + byChannel.get(Channel.REUSED).brief()
                + byMethod.entrySet().stream().map(e -> ", " + e.getKey() + " " + e.getValue().brief())
                .collect(Collectors.joining())
                + ", long " + byCohort.get(Cohort.LONG).brief()
                + ", streams " + byCohort.get(Cohort.STREAM).brief();
        return switch (outcome) {
            case PASS -> "PASS " + total + " requests, 0 failed (" + breakdown + ")";
            case FAIL -> "FAIL " + failed + " of " + total + " failed: " + errorSummary(errors) + " — "
                    + when(observed) + timing(firstFailureOffset, recovery, steady)
                    + (reasons.isEmpty() ? "" : " (also inconclusive: " + String.join("; ", reasons) + ")");
            case INCONCLUSIVE -> "INCONCLUSIVE " + total + " requests, 0 failed, but " + String.join("; ", reasons);
        };
    }

    /** {@code reset 12, refused 29}: most frequent first. */
    static String errorSummary(Map<ErrorClass, Long> errors) {
        return errors.entrySet().stream()
                .sorted(Map.Entry.<ErrorClass, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey().label() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String when(Map<Phase, Long> observed) {
        Set<String> phases = new LinkedHashSet<>();
        observed.forEach((phase, count) -> {
            if (count > 0) {
                phases.add(phase.label());
            }
        });
        List<String> list = new ArrayList<>(phases);
        String joined = list.size() <= 1 ? String.join("", list)
                : String.join(", ", list.subList(0, list.size() - 1)) + " and " + list.get(list.size() - 1);
        return joined + " upgrade";
    }

    private static String timing(Double firstFailureOffset, Double recovery, List<Record> steady) {
        StringBuilder text = new StringBuilder();
        if (firstFailureOffset != null) {
            text.append(String.format(Locale.ROOT, "; first at %+.1fs", firstFailureOffset / 1000));
        }
        boolean steadyFailed = steady.stream().anyMatch(Record::failed);
        if (recovery != null) {
            text.append(String.format(Locale.ROOT, ", recovered after %.1fs", recovery / 1000));
        } else if (steadyFailed) {
            text.append(", not recovered by the end of the run");
        }
        return text.toString();
    }
}
