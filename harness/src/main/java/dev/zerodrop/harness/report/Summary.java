package dev.zerodrop.harness.report;

import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.record.Cohort;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.UpgradeWindow;
import dev.zerodrop.harness.traffic.Target;
import dev.zerodrop.harness.verdict.LatencyStats;
import dev.zerodrop.harness.verdict.Phase;
import dev.zerodrop.harness.verdict.SwitchOver;
import dev.zerodrop.harness.verdict.Tally;
import dev.zerodrop.harness.verdict.Verdict;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The console summary, in vegeta's text-report style, ending with the one VERDICT line. */
public final class Summary {
    private Summary() {
    }

    public static String render(RunResult result) {
        Verdict v = result.verdict();
        UpgradeWindow w = result.window();
        List<Record> steady = result.records().stream().filter(r -> r.cohort() == Cohort.STEADY).toList();
        double origin = result.startedAtMillis();
        StringBuilder out = new StringBuilder();

        List<Target> targets = result.plan().targets();
        for (int i = 0; i < targets.size(); i++) {
            row(out, i == 0 ? "Targets" : "", "", targets.get(i).name() + "  " + targets.get(i).uri());
        }
        row(out, "Upgrade", "", w.name());
        row(out, "", "", String.format(Locale.ROOT, "window %s → %s (%s), exit %d%s", offset(w.startMillis() - origin),
                offset(w.endMillis() - origin), seconds(w.durationMillis()), w.exitCode(),
                w.error() != null ? ", " + w.error() : ""));

        double firstIntended = steady.isEmpty() ? origin : steady.get(0).intendedAtMs();
        double lastIntended = steady.isEmpty() ? origin : steady.get(steady.size() - 1).intendedAtMs();
        double lastEnd = steady.stream().mapToDouble(Record::endAtMs).max().orElse(origin);
        double attack = Math.max(lastIntended - firstIntended, 1e-9);
        long steadyOk = steady.stream().filter(Record::ok).count();
        row(out, "Requests", "[total, rate, throughput]", String.format(Locale.ROOT, "%d, %.2f, %.2f", v.total(),
                steady.size() > 1 ? (steady.size() - 1) * 1000 / attack : 0.0,
                steady.isEmpty() ? 0.0 : steadyOk * 1000 / Math.max(lastEnd - firstIntended, 1e-9)));
        row(out, "Duration", "[total, attack, wait]", String.format(Locale.ROOT, "%s, %s, %s",
                seconds(result.endedAtMillis() - origin), seconds(attack),
                seconds(Math.max(0, lastEnd - lastIntended))));
        row(out, "Latencies", "[min, mean, 50, 90, 99, 99.9, max]", "steady requests, from the intended send time");
        for (Phase phase : Phase.values()) {
            row(out, "  " + phase.label(), "", latency(v.latency().of(phase)));
        }
        row(out, "  all", "", latency(v.latency().all()));
        row(out, "Success", "[ratio]", String.format(Locale.ROOT, "%.2f%%",
                v.total() == 0 ? 0.0 : 100.0 * v.succeeded() / v.total()));
        row(out, "Status Codes", "[code:count]", v.statusCodes().entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining("  ")));
        row(out, "Channels", "[attempts/failed]", tallies(v.byChannel()));
        row(out, "Methods", "", tallies(v.byMethod()));
        row(out, "Cohorts", "", tallies(v.byCohort()));
        row(out, "Phases", "[by intended time]", tallies(v.byPhase()));
        row(out, "By target", "", tallies(v.byTarget()));
        for (Map.Entry<String, SwitchOver> e : v.switchOver().entrySet()) {
            row(out, "Versions", e.getKey(), versions(e.getValue()));
        }
        row(out, "Rollout", "[start → last old answer]", v.rolloutMillis() == null ? "-" : seconds(v.rolloutMillis()));
        if (v.failed() > 0) {
            row(out, "Failures", "[first, recovery]", String.format(Locale.ROOT, "first at %s of the window, %s",
                    v.firstFailureOffsetMillis() == null ? "-" : offset(v.firstFailureOffsetMillis()),
                    v.recoveryMillis() == null ? "steady traffic not recovered"
                            : "recovered after " + seconds(v.recoveryMillis())));
        }
        GeneratorStats g = result.generator();
        row(out, "Generator", "", String.format(Locale.ROOT,
                "scheduled %d, sent %d, late %d (>%.0fms), max lag %.1fms, skipped %d%s", g.scheduled(), g.sent(),
                g.lateDispatches(), g.lateThresholdMillis(), g.maxLagMillis(), g.overload(),
                g.stoppedByMaxDuration() ? ", stopped by max duration" : ""));
        out.append("Error Set:\n");
        for (Map.Entry<ErrorClass, Long> e : v.errors().entrySet()) {
            out.append(String.format(Locale.ROOT, "  %s (%d)%n", e.getKey().label(), e.getValue()));
            for (String example : v.errorExamples().getOrDefault(e.getKey(), List.of())) {
                out.append("      ").append(example).append('\n');
            }
        }
        out.append("VERDICT: ").append(v.headline()).append('\n');
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String columns, String value) {
        out.append(String.format(Locale.ROOT, "%-13s %-36s %s%n", name, columns, value));
    }

    private static String latency(LatencyStats s) {
        if (s.count() == 0) {
            return "-";
        }
        return String.join(", ", micros(s.minMicros()), micros(s.meanMicros()), micros(s.p50Micros()),
                micros(s.p90Micros()), micros(s.p99Micros()), micros(s.p999Micros()), micros(s.maxMicros()))
                + "  (" + s.count() + ")";
    }

    private static <K> String tallies(Map<K, Tally> map) {
        return map.entrySet().stream()
                .map(e -> e.getKey().toString().toLowerCase(Locale.ROOT).replace("get", "GET").replace("post", "POST")
                        + " " + e.getValue().brief())
                .collect(Collectors.joining(", "));
    }

    private static String versions(SwitchOver s) {
        StringBuilder text = new StringBuilder();
        if (!s.oldVersions().isEmpty() && !s.newVersions().isEmpty()) {
            text.append(String.join("/", s.oldVersions())).append(" → ").append(String.join("/", s.newVersions()))
                    .append(": first new at ").append(offset(s.firstNewOffsetMillis()))
                    .append(", last old at ").append(s.lastOldOffsetMillis() == null ? "-" : offset(s.lastOldOffsetMillis()))
                    .append("; ");
        }
        text.append(s.versionsByPhase().entrySet().stream()
                .map(e -> e.getKey().label() + " " + (e.getValue().isEmpty() ? "-" : e.getValue().entrySet().stream()
                        .map(x -> x.getKey() + ":" + x.getValue()).collect(Collectors.joining(" "))))
                .collect(Collectors.joining(" | ")));
        return text.toString();
    }

    static String micros(long micros) {
        if (micros < 1000) {
            return micros + "µs";
        }
        if (micros < 1_000_000) {
            return String.format(Locale.ROOT, "%.3fms", micros / 1000.0);
        }
        return String.format(Locale.ROOT, "%.3fs", micros / 1e6);
    }

    static String seconds(double millis) {
        return String.format(Locale.ROOT, "%.2fs", millis / 1000);
    }

    static String offset(double millis) {
        return String.format(Locale.ROOT, "%+.2fs", millis / 1000);
    }
}
