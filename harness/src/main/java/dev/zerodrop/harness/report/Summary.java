package dev.zerodrop.harness.report;

import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.record.UpgradeWindow;
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

    public static String render(RunInfo info, Verdict v) {
        UpgradeWindow w = info.window();
        double origin = info.startedAtMillis();
        StringBuilder out = new StringBuilder();

        int i = 0;
        for (Map.Entry<String, String> t : info.targets().entrySet()) {
            row(out, i++ == 0 ? "Targets" : "", "", t.getKey() + "  " + t.getValue());
        }
        if (info.insecure()) {
            row(out, "TLS", "", "INSECURE: certificates were not verified (--insecure)");
        }
        row(out, "Upgrade", "", w.name());
        row(out, "", "", String.format(Locale.ROOT, "window %s → %s (%s), exit %d%s", offset(w.startMillis() - origin),
                offset(w.endMillis() - origin), seconds(w.durationMillis()), w.exitCode(),
                w.error() != null ? ", " + w.error() : ""));

        RunInfo.SteadySpan s = info.steady();
        double first = s.firstIntendedMs() == null ? origin : s.firstIntendedMs();
        double last = s.lastIntendedMs() == null ? origin : s.lastIntendedMs();
        double lastEnd = s.lastEndMs() == null ? origin : s.lastEndMs();
        double attack = Math.max(last - first, 1e-9);
        row(out, "Requests", "[total, rate, throughput]", String.format(Locale.ROOT, "%d, %.2f, %.2f", v.total(),
                s.count() > 1 ? (s.count() - 1) * 1000 / attack : 0.0,
                s.count() == 0 ? 0.0 : s.ok() * 1000 / Math.max(lastEnd - first, 1e-9)));
        row(out, "Duration", "[total, attack, wait]", String.format(Locale.ROOT, "%s, %s, %s",
                seconds(info.endedAtMillis() - origin), seconds(attack), seconds(Math.max(0, lastEnd - last))));
        row(out, "Latencies", "[min, mean, 50, 90, 99, 99.9, max]", "steady requests, from the intended send time");
        for (Phase phase : Phase.values()) {
            row(out, "  " + phase.label(), "", latency(v.latency().of(phase)));
        }
        row(out, "  all", "", latency(v.latency().all()));
        row(out, "Success", "[ratio]", String.format(Locale.ROOT, "%.2f%%",
                v.total() == 0 ? 0.0 : 100.0 * v.succeeded() / v.total()));
        row(out, "Status Codes", "[code:count]", v.statusCodes().entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining("  ")));
        row(out, "Channels", "[attempts/failed]", v.byChannel().entrySet().stream()
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue().brief())
                .collect(Collectors.joining(", ")));
        // Methods and target names are printed as they are: a target called "widget" stays "widget".
        row(out, "Methods", "", tallies(v.byMethod()));
        row(out, "Cohorts", "", tallies(v.byCohort()));
        row(out, "Phases", "[by intended time]", v.byPhase().entrySet().stream()
                .map(e -> e.getKey().label() + " " + e.getValue().brief()).collect(Collectors.joining(", ")));
        row(out, "By target", "", tallies(v.byTarget()));
        for (Map.Entry<String, SwitchOver> e : v.switchOver().entrySet()) {
            row(out, "Versions", e.getKey(), versions(e.getValue()));
        }
        row(out, "Rollout", "[start → last old answer]", v.rolloutMillis() == null
                ? "- (no version switch seen" + (v.switchOver().isEmpty() ? ": answers carried no version" : "") + ")"
                : seconds(v.rolloutMillis()));
        if (v.failed() > 0) {
            row(out, "Failures", "[first, steady outage]", String.format(Locale.ROOT, "first at %s of the window, %s",
                    v.firstFailureOffsetMillis() == null ? "-" : offset(v.firstFailureOffsetMillis()),
                    v.outageMillis() == null ? "no steady request failed"
                            : "steady failures over " + seconds(v.outageMillis())
                            + (v.recovered() ? ", then recovered" : ", not recovered by the end of the run")));
        }
        GeneratorStats g = info.generator();
        row(out, "Generator", "", String.format(Locale.ROOT,
                "scheduled %d, sent %d, late %d (>%.0fms), max lag %.1fms, skipped %d%s", g.scheduled(), g.sent(),
                g.lateDispatches(), g.lateThresholdMillis(), g.maxLagMillis(), g.overload(),
                g.stoppedByMaxDuration() ? ", stopped by max duration" : ""));
        if (!"all".equals(info.records())) {
            row(out, "Records", "", "only " + info.records() + " written (--records " + info.records() + ")");
        }
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

    static String tallies(Map<String, Tally> map) {
        return map.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().brief()).collect(Collectors.joining(", "));
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
