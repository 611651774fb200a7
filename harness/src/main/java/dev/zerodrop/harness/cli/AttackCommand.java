package dev.zerodrop.harness.cli;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.record.Cohort;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.report.Reports;
import dev.zerodrop.harness.verdict.LatencyStats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** A plain open-model attack that reports how well the generator kept its schedule. */
@Command(name = "attack", mixinStandardHelpOptions = true,
        header = "Plain open-model attack; prints the schedule accuracy.", sortOptions = false,
        description = {"Measures the generator itself: the achieved send rate against the target rate, and how "
                + "close each request went out to its intended time. Used by harness/bench/run. Exits 0 when "
                + "every request succeeded and the schedule was kept."})
final class AttackCommand implements Callable<Integer> {
    @ParentCommand
    Main parent;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    Main.TrafficOptions traffic = new Main.TrafficOptions();

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
            description = "How long to fire (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write the reports here.")
    Path out;

    @Override
    public Integer call() throws IOException {
        TrafficPlan plan = traffic.plan(spec, Main.sink(spec, traffic.quiet, parent.interactive()))
                .baseline(Duration.ZERO)
                .settle(Duration.ZERO)
                .maxDuration(duration.plus(Duration.ofMinutes(1)))
                .build();
        RunResult result = Harness.run(plan, Upgrade.none(duration));
        if (out != null) {
            Reports.write(result, out);
        }
        print(spec.commandLine().getOut(), plan, result);
        return result.verdict().pass() ? 0 : 1;
    }

    static void print(PrintWriter out, TrafficPlan plan, RunResult result) {
        List<Record> steady = result.records().stream().filter(r -> r.cohort() == Cohort.STEADY)
                .sorted(Comparator.comparingDouble(Record::startAtMs)).toList();
        double achieved = steady.size() < 2 ? 0
                : (steady.size() - 1) * 1000 / (steady.get(steady.size() - 1).startAtMs() - steady.get(0).startAtMs());
        double[] lags = steady.stream().mapToDouble(r -> r.startAtMs() - r.intendedAtMs()).sorted().toArray();
        long onTime = steady.stream().filter(r -> r.startAtMs() - r.intendedAtMs() <= 1.0).count();
        double onTimeShare = steady.isEmpty() ? 0 : 100.0 * onTime / steady.size();
        LatencyStats latency = result.verdict().latency().all();
        long ok = steady.stream().filter(Record::ok).count();
        var g = result.generator();
        out.printf(Locale.ROOT, "attack %.0f req/s for %.1fs to %s%n", plan.rate(),
                result.window().durationMillis() / 1000.0, plan.targets());
        out.printf(Locale.ROOT, "  sent        %d of %d scheduled (skipped %d)%n", g.sent(), g.scheduled(), g.overload());
        out.printf(Locale.ROOT, "  send rate   %.1f req/s achieved = %.2f%% of the target%n", achieved,
                100 * achieved / plan.rate());
        out.printf(Locale.ROOT, "  on time     %.2f%% sent within 1 ms of the intended time; lag p50 %.2fms p99 %.2fms max %.2fms%n",
                onTimeShare, percentile(lags, 50), percentile(lags, 99), lags.length == 0 ? 0 : lags[lags.length - 1]);
        out.printf(Locale.ROOT, "  answers     %d ok, %d failed; latency p50 %.2fms p99 %.2fms max %.2fms%n", ok,
                steady.size() - ok, latency.p50Micros() / 1000.0, latency.p99Micros() / 1000.0,
                latency.maxMicros() / 1000.0);
        out.printf(Locale.ROOT, "  verdict     %s%n", result.verdict().headline());
        out.printf(Locale.ROOT, "RESULT rate=%.0f achieved=%.1f accuracy=%.2f%% ontime=%.2f%% lag_p99_ms=%.2f "
                        + "ok=%d failed=%d skipped=%d late=%d p50_ms=%.2f p99_ms=%.2f%n",
                plan.rate(), achieved, 100 * achieved / plan.rate(), onTimeShare, percentile(lags, 99), ok,
                steady.size() - ok, g.overload(), g.lateDispatches(), latency.p50Micros() / 1000.0,
                latency.p99Micros() / 1000.0);
        out.flush();
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
