package dev.zerodrop.harness;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.Cohort;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.UpgradeWindow;
import dev.zerodrop.harness.traffic.HttpEngine;
import dev.zerodrop.harness.traffic.RequestSpec;
import dev.zerodrop.harness.traffic.SseStream;
import dev.zerodrop.harness.traffic.SteadySchedule;
import dev.zerodrop.harness.traffic.Target;
import dev.zerodrop.harness.traffic.TimeBase;
import dev.zerodrop.harness.traffic.WarmUp;
import dev.zerodrop.harness.verdict.Settings;
import dev.zerodrop.harness.verdict.Verdict;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Runs one experiment: steady traffic → clean baseline → long-lived requests and streams opened →
 * the upgrade → settle → traffic stops → in-flight work drains → streams closed → verdict.
 * Traffic always stops, whatever happens (try/finally), and nothing outlives the plan's max duration
 * by more than the drain timeouts.
 */
public final class Harness {
    private static final long MS = 1_000_000L;

    private Harness() {
    }

    /**
     * @throws TargetUnreachableException if the baseline was not clean; the upgrade was then not run
     */
    public static RunResult run(TrafficPlan plan, Upgrade upgrade) {
        WarmUp.once(); // before the run's clock starts
        return new Run(plan, upgrade).execute();
    }

    private static final class Run {
        private final TrafficPlan plan;
        private final Upgrade upgrade;
        private final ProgressSink out;
        private final TimeBase time = TimeBase.start();
        private final long hardStop;
        private final AtomicLong connectionIds = new AtomicLong();
        private final AtomicLong segmentSeq = new AtomicLong();
        private final RunCollector collector;
        private final List<SseStream> streams = new ArrayList<>();
        private boolean upgradeKilled;
        private long baselineCount;

        Run(TrafficPlan plan, Upgrade upgrade) {
            this.plan = plan;
            this.upgrade = upgrade;
            this.out = plan.progress();
            this.collector = new RunCollector(plan.lateThreshold().toNanos());
            this.hardStop = time.nanos() + plan.maxDuration().toNanos();
        }

        RunResult execute() {
            List<Target> targets = plan.targets();
            long timeout = plan.requestTimeout().toNanos();
            HttpEngine engine = new HttpEngine(targets,
                    new HttpEngine.Config(plan.connectTimeout(), plan.poolSize(), plan.ioThreads()),
                    time, collector, collector, connectionIds::incrementAndGet);
            // A short head start so that request 0 is not late because of thread start-up.
            long t0 = time.nanos() + 20 * MS;
            long baselineEnd = t0 + plan.baseline().toNanos();
            SteadySchedule schedule = new SteadySchedule(targets, plan.rate(), t0, hardStop, plan.maxInFlight(), timeout,
                    engine, collector::skipped);
            baselineCount = schedule.countBefore(baselineEnd);
            collector.baselineCount(baselineCount);
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "zerodrop-progress");
                thread.setDaemon(true);
                return thread;
            });
            UpgradeWindow window;
            double endedAt;
            try {
                Duration idle = upgrade.idleDuration();
                if (idle != null) {
                    // A plain attack has a fixed length, so its request count is exact.
                    schedule.stopAt(baselineEnd + idle.toNanos() + plan.settle().toNanos());
                }
                out.log(String.format(Locale.ROOT, "==> traffic: %s req/s to %s", num(plan.rate()),
                        targets.stream().map(Target::toString).collect(Collectors.joining(", "))));
                schedule.start();
                ticker.scheduleAtFixedRate(new Progress(engine), 1, 1, TimeUnit.SECONDS);

                awaitBaseline(baselineEnd, timeout);
                long longStart = startLongLived(engine);
                startStreams();
                awaitLongLivedWritten(longStart);

                window = idle != null ? idleWindow(baselineEnd, idle) : runUpgrade();
                long stopAt = idle != null ? baselineEnd + idle.toNanos() + plan.settle().toNanos()
                        : time.nanos() + plan.settle().toNanos();
                if (idle == null) {
                    out.log("==> settle " + plan.settle().toMillis() + " ms");
                }
                schedule.stopAt(Math.min(stopAt, hardStop));
                schedule.join(Math.max(0, Math.min(stopAt, hardStop) - time.nanos()) + 1000 * MS);

                out.log("==> draining in-flight requests");
                awaitUntil(() -> collector.steadyDone() >= schedule.sent(), time.nanos() + timeout + 1000 * MS);
                long longDeadline = longStart + plan.longLivedMax().toNanos() + timeout + 1000 * MS;
                awaitUntil(() -> collector.longDone() >= plan.longLivedCount(), longDeadline);
                endedAt = time.nowEpochMillis();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                schedule.abort();
                joinQuietly(schedule);
                stopStreams();
                ticker.shutdownNow();
                engine.close();
            }

            List<Record> records = collector.records();
            records.sort(Comparator.comparingDouble(Record::intendedAtMs).thenComparing(Record::cohort)
                    .thenComparingLong(Record::seq));
            GeneratorStats generator = new GeneratorStats(schedule.scheduled(), schedule.sent(), collector.late(),
                    collector.maxLagNanos() / 1e6, schedule.overload(), plan.lateThreshold().toMillis(),
                    schedule.hitHardStop() || upgradeKilled);
            Verdict verdict = Verdict.of(records, window, Settings.of(generator));
            out.log("==> " + verdict.headline());
            return new RunResult(plan, List.copyOf(records), window, generator, verdict, time.epochMillis(t0), endedAt);
        }

        private void awaitBaseline(long baselineEnd, long timeout) throws InterruptedException {
            long expected = baselineCount;
            if (expected == 0) {
                return;
            }
            out.log(String.format(Locale.ROOT, "==> baseline: %d requests over %d ms must all succeed", expected,
                    plan.baseline().toMillis()));
            long deadline = Math.min(baselineEnd + timeout + 1000 * MS, hardStop);
            while (true) {
                List<Record> failures = collector.baselineFailures();
                if (!failures.isEmpty()) {
                    throw new TargetUnreachableException("target not healthy before the upgrade (baseline): "
                            + describe(failures) + " — the upgrade was not run", failures);
                }
                if (collector.baselineDone() >= expected) {
                    return;
                }
                if (time.nanos() > deadline) {
                    throw new TargetUnreachableException("baseline did not complete: " + collector.baselineDone()
                            + " of " + expected + " requests answered in time — the upgrade was not run", List.of());
                }
                Thread.sleep(10);
            }
        }

        /** Long-lived requests, each on a new connection, sleeps spread evenly over [min, max]. */
        private long startLongLived(HttpEngine engine) {
            long now = time.nanos();
            int n = plan.longLivedCount();
            if (n == 0) {
                return now;
            }
            out.log(String.format(Locale.ROOT, "==> %d long-lived requests (%d-%d ms)", n,
                    plan.longLivedMin().toMillis(), plan.longLivedMax().toMillis()));
            List<Target> targets = plan.targets();
            for (int k = 0; k < n; k++) {
                Duration sleep = plan.longLivedSleep(k);
                Target target = targets.get(k % targets.size());
                engine.send(new RequestSpec(Cohort.LONG, k, k % targets.size(), Channel.NEW, false,
                        target.withQuery("sleep=" + sleep.toMillis()), now,
                        sleep.plus(plan.requestTimeout()).toNanos()));
            }
            return now;
        }

        /** The long-lived requests must be on the wire before the upgrade starts, and none may have failed. */
        private void awaitLongLivedWritten(long longStart) throws InterruptedException {
            int n = plan.longLivedCount();
            if (n == 0) {
                return;
            }
            awaitUntil(() -> collector.longWritten() + collector.longDone() >= n,
                    longStart + plan.connectTimeout().toNanos() + 1000 * MS);
            // Let the server start reading them before the upgrade begins.
            Thread.sleep(100);
            List<Record> failed = collector.records().stream()
                    .filter(r -> r.cohort() == Cohort.LONG && r.failed()).toList();
            if (!failed.isEmpty()) {
                throw new TargetUnreachableException("long-lived requests failed before the upgrade: "
                        + describe(failed) + " — the upgrade was not run", failed);
            }
        }

        private void startStreams() throws InterruptedException {
            int n = plan.streams();
            if (n == 0) {
                return;
            }
            out.log("==> " + n + " streams");
            List<Target> targets = plan.targets();
            for (int s = 0; s < n; s++) {
                SseStream stream = new SseStream(s, targets.get(s % targets.size()), plan.connectTimeout(),
                        plan.streamIdleTimeout(), time, collector, segmentSeq, connectionIds::incrementAndGet);
                streams.add(stream);
                stream.start();
            }
            Duration wait = plan.connectTimeout().plus(plan.streamIdleTimeout());
            for (SseStream stream : streams) {
                String problem = stream.awaitFirstTick(wait);
                if (problem != null) {
                    throw new TargetUnreachableException("stream " + stream.index() + " to " + stream.target().name()
                            + " did not deliver its first event before the upgrade: " + problem
                            + " — the upgrade was not run", List.of());
                }
            }
        }

        private void stopStreams() {
            for (SseStream stream : streams) {
                try {
                    stream.stop(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private UpgradeWindow idleWindow(long start, Duration idle) throws InterruptedException {
            long end = Math.min(start + idle.toNanos(), hardStop);
            out.log("==> no upgrade: " + idle.toMillis() + " ms of traffic");
            long wait = end - time.nanos();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            return new UpgradeWindow(upgrade.name(), Math.round(time.epochMillis(start)), Math.round(time.epochMillis(end)),
                    0, "", null);
        }

        private UpgradeWindow runUpgrade() {
            out.log("==> upgrade: " + upgrade.name());
            long start = time.nanos();
            Upgrade.Outcome outcome;
            try {
                outcome = upgrade.execute(line -> out.log("[upgrade] " + line), hardStop);
            } catch (Exception e) {
                outcome = new Upgrade.Outcome(-1, "", e.toString());
            }
            long end = time.nanos();
            upgradeKilled = outcome.error() != null && end >= hardStop;
            out.log(String.format(Locale.ROOT, "==> upgrade returned after %d ms: exit %d%s",
                    TimeUnit.NANOSECONDS.toMillis(end - start), outcome.exitCode(),
                    outcome.error() != null ? " (" + outcome.error() + ")" : ""));
            return new UpgradeWindow(upgrade.name(), Math.round(time.epochMillis(start)),
                    Math.round(time.epochMillis(end)), outcome.exitCode(), outcome.output(), outcome.error());
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

        private static void joinQuietly(SteadySchedule schedule) {
            try {
                schedule.join(2000 * MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void awaitUntil(java.util.function.BooleanSupplier done, long deadline) throws InterruptedException {
            while (!done.getAsBoolean() && time.nanos() < deadline) {
                Thread.sleep(5);
            }
        }

        /** {@code go-app: refused 12 (ConnectException: Connection refused)} per target. */
        private static String describe(List<Record> failures) {
            Map<String, List<Record>> byTarget = failures.stream()
                    .collect(Collectors.groupingBy(Record::target, TreeMap::new, Collectors.toList()));
            return byTarget.entrySet().stream().map(e -> {
                Record first = e.getValue().get(0);
                String classes = e.getValue().stream()
                        .collect(Collectors.groupingBy(r -> r.error().label(), TreeMap::new, Collectors.counting()))
                        .entrySet().stream().map(c -> c.getKey() + " " + c.getValue())
                        .collect(Collectors.joining(", "));
                return e.getKey() + ": " + classes + " (" + (first.message() != null ? first.message()
                        : "HTTP " + first.status()) + ")";
            }).collect(Collectors.joining("; "));
        }
    }

    private static String num(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
