package dev.zerodrop.harness;

import dev.zerodrop.harness.cohort.Cohort;
import dev.zerodrop.harness.cohort.CohortSpec;
import dev.zerodrop.harness.cohort.RunContext;
import dev.zerodrop.harness.cohort.SteadyCohort;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.record.UpgradeWindow;
import dev.zerodrop.harness.report.TimelineAccumulator;
import dev.zerodrop.harness.traffic.Connector;
import dev.zerodrop.harness.traffic.HttpEngine;
import dev.zerodrop.harness.traffic.Realtime;
import dev.zerodrop.harness.traffic.Target;
import dev.zerodrop.harness.traffic.TimeBase;
import dev.zerodrop.harness.verdict.Settings;
import dev.zerodrop.harness.verdict.Verdict;
import dev.zerodrop.harness.verdict.VerdictAccumulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs one experiment: steady traffic → clean baseline → the other cohorts opened (long-lived
 * requests, streams...) and in place → the upgrade → settle → every cohort finished → verdict.
 * Traffic always stops, whatever happens (try/finally), and nothing outlives the plan's max duration
 * by more than the drain timeouts. The harness names no cohort but the steady one, which carries the
 * baseline and the generator's clock.
 */
public final class Harness {
    private Harness() {
    }

    /**
     * @throws TargetUnreachableException if the baseline was not clean or a cohort could not be put in
     *                                    place; the upgrade was then not run
     */
    public static RunResult run(TrafficPlan plan, Upgrade upgrade) {
        if (plan.realtime()) {
            Realtime.check(); // a clear error before any traffic
        }
        WarmUp.once(); // before the run's clock starts
        return new Run(plan, upgrade).execute();
    }

    private static final class Run {
        private final TrafficPlan plan;
        private final Upgrade upgrade;
        private final ProgressSink out;
        private final TimeBase time = TimeBase.start();
        private final long hardStop;
        private final VerdictAccumulator verdict;
        private final RunCollector collector;
        private boolean upgradeKilled;

        Run(TrafficPlan plan, Upgrade upgrade) {
            this.plan = plan;
            this.upgrade = upgrade;
            this.out = plan.progress();
            this.hardStop = time.nanos() + plan.maxDuration().toNanos();
            this.verdict = new VerdictAccumulator(settings(plan, null));
            this.collector = new RunCollector(verdict, plan.records());
        }

        static Settings settings(TrafficPlan plan, dev.zerodrop.harness.record.GeneratorStats generator) {
            return Settings.of(generator, plan.targets().stream().map(Target::name).toList(), plan.cohortNames())
                    .withUpgradeMustSucceed(plan.upgradeMustSucceed());
        }

        RunResult execute() {
            List<Cohort> cohorts = new ArrayList<>();
            Connector connector = new Connector(plan.ioThreads(), plan.connectTimeout(), plan.tls(), plan.targets(), time);
            if (plan.realtime()) {
                Realtime.promote(connector.group());
                int pause = Realtime.promotePauseThreads();
                out.log("==> generator: schedule and I/O threads, and the JVM's " + pause
                        + " pause threads (VM, GC), at real-time priority (SCHED_RR 1)");
            }
            HttpEngine engine = new HttpEngine(plan.targets(), connector, plan.poolSize(), plan.rules(), collector, collector);
            RunContext context = new RunContext(plan.targets(), connector, engine, plan.rules(), collector, out,
                    plan.requestTimeout(), hardStop, plan.realtime());
            if (plan.tls().insecure() && plan.targets().stream().anyMatch(Target::secure)) {
                out.log("WARNING: --insecure: TLS certificates are not verified; the report says so");
            }
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "zerodrop-progress");
                thread.setDaemon(true);
                return thread;
            });
            SteadyCohort steady = null;
            TimelineAccumulator timeline;
            UpgradeWindow window;
            double endedAt;
            try {
                for (CohortSpec spec : plan.cohorts()) {
                    Cohort cohort = spec.create(context);
                    cohorts.add(cohort);
                    collector.register(cohort);
                    if (cohort instanceof SteadyCohort s) {
                        steady = s;
                    }
                }
                if (steady == null) {
                    throw new IllegalStateException("a plan needs its steady cohort");
                }
                timeline = new TimelineAccumulator(time.epochMillis(steady.t0()),
                        plan.requestTimeout().toSeconds() + 15);
                collector.timeline(timeline);
                Duration idle = upgrade.idleDuration();
                if (idle != null) {
                    // A plain attack has a fixed length, so its request count and window are exact.
                    long start = steady.baselineEnd();
                    long end = Math.min(start + idle.toNanos(), hardStop);
                    verdict.window(time.epochMillis(start), time.epochMillis(end));
                    steady.stopAt(end + plan.settle().toNanos());
                }

                for (Cohort c : cohorts) {
                    if (spec(c).opensBeforeBaseline()) {
                        c.open();
                    }
                }
                ticker.scheduleAtFixedRate(new Progress(engine), 1, 1, TimeUnit.SECONDS);
                for (Cohort c : cohorts) {
                    if (spec(c).opensBeforeBaseline()) {
                        c.awaitReady();
                    }
                }
                for (Cohort c : cohorts) {
                    if (!spec(c).opensBeforeBaseline()) {
                        c.open();
                    }
                }
                for (Cohort c : cohorts) {
                    if (!spec(c).opensBeforeBaseline()) {
                        c.awaitReady();
                    }
                }

                window = idle != null ? idleWindow(steady, idle) : runUpgrade();
                if (idle == null) {
                    out.log("==> settle " + plan.settle().toMillis() + " ms");
                    steady.stopAt(time.nanos() + plan.settle().toNanos());
                }
                for (Cohort c : cohorts) {
                    c.finish();
                }
                endedAt = time.nowEpochMillis();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                for (Cohort c : cohorts) {
                    c.close();
                }
                ticker.shutdownNow();
                engine.close();
                connector.close();
                collector.close();
            }

            dev.zerodrop.harness.record.GeneratorStats generator = steady.stats(upgradeKilled);
            Settings settings = settings(plan, generator);
            Verdict v = verdict.verdict(window, settings);
            out.log("==> " + v.headline());
            List<Record> kept = collector.kept();
            if (kept != null) {
                kept.sort(Comparator.comparingDouble(Record::intendedAtMs).thenComparing(Record::cohort)
                        .thenComparingLong(Record::seq));
            }
            Map<String, String> targets = new LinkedHashMap<>();
            plan.targets().forEach(t -> targets.put(t.name(), t.uri().toString()));
            RunInfo info = new RunInfo(RunInfo.HARNESS, targets, plan.cohortNames(), plan.rate(), window, generator,
                    time.epochMillis(steady.t0()), endedAt, collector.span(),
                    plan.tls().insecure() && plan.targets().stream().anyMatch(Target::secure),
                    plan.records().mode().name().toLowerCase(Locale.ROOT), plan.describe());
            return new RunResult(info, v, timeline.data(), kept);
        }

        private CohortSpec spec(Cohort c) {
            return plan.cohorts().stream().filter(s -> s.name().equals(c.name())).findFirst().orElseThrow();
        }

        private UpgradeWindow idleWindow(SteadyCohort steady, Duration idle) throws InterruptedException {
            long start = steady.baselineEnd();
            long end = Math.min(start + idle.toNanos(), hardStop);
            out.log("==> no upgrade: " + idle.toMillis() + " ms of traffic");
            long wait = end - time.nanos();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            return new UpgradeWindow(upgrade.name(), time.epochMillis(start), time.epochMillis(end), 0, "", null, true);
        }

        private UpgradeWindow runUpgrade() {
            out.log("==> upgrade: " + upgrade.name());
            double startMs = verdict.windowStarted(time::nowEpochMillis);
            long start = time.nanos();
            Upgrade.Outcome outcome;
            try {
                outcome = upgrade.execute(line -> out.log("[upgrade] " + line), hardStop);
            } catch (Exception e) {
                outcome = new Upgrade.Outcome(-1, "", e.toString());
            }
            double endMs = verdict.windowEnded(time::nowEpochMillis);
            long end = time.nanos();
            upgradeKilled = outcome.error() != null && end >= hardStop;
            out.log(String.format(Locale.ROOT, "==> upgrade returned after %d ms: exit %d%s",
                    TimeUnit.NANOSECONDS.toMillis(end - start), outcome.exitCode(),
                    outcome.error() != null ? " (" + outcome.error() + ")" : ""));
            return new UpgradeWindow(upgrade.name(), startMs, endMs, outcome.exitCode(), outcome.output(),
                    outcome.error(), false);
        }

        /** The once-a-second line: elapsed, achieved rate, ok, failed, in flight, versions per target. */
        private final class Progress implements Runnable {
            private final HttpEngine engine;
            private final long started = time.nanos();
            private long lastTick = started;
            private long lastDispatched;

            Progress(HttpEngine engine) {
                this.engine = engine;
            }

            @Override
            public void run() {
                long now = time.nanos();
                long dispatched = collector.dispatched();
                double rate = (dispatched - lastDispatched) * 1e9 / Math.max(1, now - lastTick);
                lastDispatched = dispatched;
                lastTick = now;
                out.progress(String.format(Locale.ROOT, "[%6.1fs] %6.0f req/s  ok %d  failed %d  in-flight %d  %s",
                        (now - started) / 1e9, rate, collector.ok(), collector.failed(), engine.inFlight(),
                        collector.versionsLine()));
            }
        }
    }
}
