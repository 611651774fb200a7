package dev.zerodrop.harness.verdict;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.UpgradeWindow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The decision over a run's records. {@link #of} is a pure function: no clock, no I/O, and the input
 * order does not matter, so the same records always give an equal verdict and identical JSON. A live
 * run builds the same verdict incrementally ({@link VerdictAccumulator}), in flat memory.
 *
 * <p>A record's phase is the phase of its intended time. Long-lived requests and streams are opened
 * before the upgrade, so they count as BEFORE in the phase tables; {@code failuresObserved} instead
 * places every failure at the moment it was seen, which is what the headline reports.
 *
 * @param outageMillis steady traffic: intended time of the last failed request minus the first's
 * @param recovered    steady traffic: a request intended after the last failure succeeded (or none failed)
 * @param cases        per "target cohort": a JUnit test case
 */
public record Verdict(
        Outcome outcome,
        String headline,
        long total,
        long succeeded,
        long failed,
        Map<Channel, Tally> byChannel,
        Map<String, Tally> byMethod,
        Map<String, Tally> byCohort,
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
        Double outageMillis,
        boolean recovered,
        boolean inconclusive,
        List<String> inconclusiveReasons,
        List<Record> failedRecords,
        long failedRecordsOmitted,
        Map<String, CaseResult> cases) {

    public enum Outcome { PASS, FAIL, INCONCLUSIVE }

    /** Read-only copies: a verdict, once made, cannot be edited. */
    public Verdict {
        byChannel = Collections.unmodifiableMap(new EnumMap<>(byChannel));
        byMethod = Collections.unmodifiableMap(new TreeMap<>(byMethod));
        byCohort = Collections.unmodifiableMap(new LinkedHashMap<>(byCohort));
        byTarget = Collections.unmodifiableMap(new TreeMap<>(byTarget));
        byPhase = Collections.unmodifiableMap(new EnumMap<>(byPhase));
        failuresObserved = Collections.unmodifiableMap(new EnumMap<>(failuresObserved));
        errors = Collections.unmodifiableMap(new TreeMap<>(errors));
        Map<ErrorClass, List<String>> examples = new TreeMap<>();
        errorExamples.forEach((k, v) -> examples.put(k, List.copyOf(v)));
        errorExamples = Collections.unmodifiableMap(examples);
        statusCodes = Collections.unmodifiableMap(new TreeMap<>(statusCodes));
        switchOver = Collections.unmodifiableMap(new TreeMap<>(switchOver));
        inconclusiveReasons = List.copyOf(inconclusiveReasons);
        failedRecords = List.copyOf(failedRecords);
        cases = Collections.unmodifiableMap(new LinkedHashMap<>(cases));
    }

    /** Zero failures, nothing inconclusive, and at least one success. */
    public boolean pass() {
        return outcome == Outcome.PASS;
    }

    /** The pure verdict: the records in any order, the window known. */
    public static Verdict of(Iterable<Record> records, UpgradeWindow window, Settings settings) {
        VerdictAccumulator accumulator = new VerdictAccumulator(settings, window);
        records.forEach(accumulator::add);
        return accumulator.verdict(window);
    }

    static Verdict assemble(UpgradeWindow window, Settings settings, long total, long failed,
                            Map<Channel, Tally> byChannel, Map<String, Tally> byMethod, Map<String, Tally> byCohort,
                            Map<String, Tally> byTarget, Map<Phase, Tally> byPhase, Map<Phase, Long> failuresObserved,
                            Map<ErrorClass, Long> errors, Map<ErrorClass, List<String>> examples,
                            Map<Integer, Long> statusCodes, Latencies latency, Map<String, SwitchOver> switchOver,
                            Double rollout, Double firstFailureOffset, Double outage, boolean recovered,
                            List<Record> failedRecords, long omitted, Map<String, CaseResult> cases, long steadyRecords) {
        List<String> reasons = inconclusiveReasons(total, steadyRecords, window, settings);
        // Failures are facts whatever the generator did, so FAIL wins; a lagging generator can only hide
        // drops (too little traffic at the critical moment), so it turns a would-be PASS into INCONCLUSIVE.
        Outcome outcome = failed > 0 ? Outcome.FAIL : !reasons.isEmpty() ? Outcome.INCONCLUSIVE : Outcome.PASS;
        String headline = headline(outcome, total, failed, byChannel, byMethod, byCohort, errors, failuresObserved,
                window, firstFailureOffset, outage, recovered, reasons)
                + (window.succeeded() || settings.upgradeMustSucceed() ? "" : " [note: upgrade '" + window.name()
                + "' " + (window.error() != null ? "failed: " + window.error() : "exited " + window.exitCode()) + "]");
        return new Verdict(outcome, headline, total, total - failed, failed, byChannel, byMethod, byCohort, byTarget,
                byPhase, failuresObserved, errors, examples, statusCodes, latency, switchOver, rollout,
                firstFailureOffset, outage, recovered, !reasons.isEmpty(), reasons, failedRecords, omitted, cases);
    }

    private static List<String> inconclusiveReasons(long total, long steadyRecords, UpgradeWindow window,
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
        if (total == 0) {
            reasons.add("no traffic was recorded");
        }
        return List.copyOf(reasons);
    }

    private static String headline(Outcome outcome, long total, long failed, Map<Channel, Tally> byChannel,
                                   Map<String, Tally> byMethod, Map<String, Tally> byCohort,
                                   Map<ErrorClass, Long> errors, Map<Phase, Long> observed, UpgradeWindow window,
                                   Double firstFailureOffset, Double outage, boolean recovered, List<String> reasons) {
        StringBuilder breakdown = new StringBuilder("new " + byChannel.get(Channel.NEW).brief()
                + ", reused " + byChannel.get(Channel.REUSED).brief());
        byMethod.forEach((method, t) -> breakdown.append(", ").append(method).append(' ').append(t.brief()));
        byCohort.forEach((cohort, t) -> {
            if (!cohort.equals(Record.STEADY)) {
                breakdown.append(", ").append(cohort).append(' ').append(t.brief());
            }
        });
        return switch (outcome) {
            case PASS -> "PASS " + total + " requests, 0 failed (" + breakdown + ")";
            case FAIL -> "FAIL " + failed + " of " + total + " failed: " + errorSummary(errors) + " — "
                    + when(observed, window) + timing(firstFailureOffset, outage, recovered)
                    + (reasons.isEmpty() ? "" : " (also inconclusive: " + String.join("; ", reasons) + ")");
            case INCONCLUSIVE -> "INCONCLUSIVE " + total + " requests, 0 failed, but " + String.join("; ", reasons);
        };
    }

    /** {@code reset 12, refused 29}: most frequent first. */
    public static String errorSummary(Map<ErrorClass, Long> errors) {
        return errors.entrySet().stream()
                .sorted(Map.Entry.<ErrorClass, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey().label() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String when(Map<Phase, Long> observed, UpgradeWindow window) {
        if (window.idle()) {
            return "during the run"; // a plain attack: there was no upgrade to be before or after
        }
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

    private static String timing(Double firstFailureOffset, Double outage, boolean recovered) {
        StringBuilder text = new StringBuilder();
        if (firstFailureOffset != null) {
            text.append(String.format(Locale.ROOT, "; first at %+.1fs", firstFailureOffset / 1000));
        }
        if (outage != null) {
            text.append(String.format(Locale.ROOT, ", steady failures over %.1fs", outage / 1000));
            text.append(recovered ? ", then recovered" : ", not recovered by the end of the run");
        }
        return text.toString();
    }
}
