package dev.zerodrop.harness.cli;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.RunInfo;
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
    TrafficOptions traffic = new TrafficOptions();

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
            description = "How long to fire (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write the reports here.")
    Path out;

    @Override
    public Integer call() throws IOException {
        TrafficPlan.Builder builder = traffic.plan(spec, Main.sink(spec, traffic.quiet, parent.interactive()),
                out == null ? null : out.resolve(Reports.RECORDS_JSONL));
        TrafficPlan plan = builder.baseline(Duration.ZERO).settle(Duration.ZERO).longLived(0, Duration.ZERO, Duration.ZERO)
                .streams(0).maxDuration(duration.plus(Duration.ofMinutes(1))).build();
        RunResult result = Harness.run(plan, Upgrade.none(duration));
        if (out != null) {
            Reports.write(result, out);
        }
        print(spec.commandLine().getOut(), plan, result.info(), result);
        return result.verdict().pass() ? 0 : 1;
    }

    static void print(PrintWriter out, TrafficPlan plan, RunInfo info, RunResult result) {
        GeneratorStats g = info.generator();
        double achieved = g.achievedRate();
        double onTimeShare = g.sent() == 0 ? 0 : 100.0 * g.onTime() / g.sent();
        LatencyStats latency = result.verdict().latency().all();
        long ok = info.steady().ok();
        long failed = info.steady().count() - ok;
        out.printf(Locale.ROOT, "attack %.0f req/s for %.1fs to %s%n", plan.rate(),
                info.window().durationMillis() / 1000.0, plan.targets());
        out.printf(Locale.ROOT, "  sent        %d of %d scheduled (skipped %d)%n", g.sent(), g.scheduled(), g.overload());
        out.printf(Locale.ROOT, "  send rate   %.1f req/s achieved = %.2f%% of the target%n", achieved,
                100 * achieved / plan.rate());
        out.printf(Locale.ROOT, "  on time     %.2f%% sent within 1 ms of the intended time; lag p50 %.2fms p99 %.2fms max %.2fms%n",
                onTimeShare, g.lagP50Millis(), g.lagP99Millis(), g.maxLagMillis());
        out.printf(Locale.ROOT, "  answers     %d ok, %d failed; latency p50 %.2fms p99 %.2fms max %.2fms%n", ok,
                failed, latency.p50Micros() / 1000.0, latency.p99Micros() / 1000.0, latency.maxMicros() / 1000.0);
        out.printf(Locale.ROOT, "  verdict     %s%n", result.verdict().headline());
        out.printf(Locale.ROOT, "RESULT rate=%.0f achieved=%.1f accuracy=%.2f%% ontime=%.2f%% lag_p99_ms=%.2f "
                        + "ok=%d failed=%d skipped=%d late=%d p50_ms=%.2f p99_ms=%.2f%n",
                plan.rate(), achieved, 100 * achieved / plan.rate(), onTimeShare, g.lagP99Millis(), ok, failed,
                g.overload(), g.lateDispatches(), latency.p50Micros() / 1000.0, latency.p99Micros() / 1000.0);
        out.flush();
    }
}
