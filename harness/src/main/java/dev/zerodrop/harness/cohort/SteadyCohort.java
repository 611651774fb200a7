package dev.zerodrop.harness.cohort;

import dev.zerodrop.harness.TargetUnreachableException;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.traffic.Realtime;
import dev.zerodrop.harness.traffic.RequestSpec;
import dev.zerodrop.harness.traffic.SteadySchedule;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The steady traffic of a run: the schedule, the baseline that must be clean before the upgrade,
 * and how well the generator kept its clock (which can make a run INCONCLUSIVE, never PASS).
 */
public final class SteadyCohort implements Cohort {
    private static final long MS = 1_000_000L;
    private static final int KEPT_BASELINE_FAILURES = 20;

    private final SteadySpec spec;
    private final RunContext run;
    private final long t0;
    private final long baselineEnd;
    private final SteadySchedule schedule;
    private final long baselineCount;
    private final LongAdder done = new LongAdder();
    private final LongAdder baselineDone = new LongAdder();
    private final ConcurrentLinkedQueue<Record> baselineFailures = new ConcurrentLinkedQueue<>();
    private final LongAdder late = new LongAdder();
    private final LongAdder onTime = new LongAdder();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private final Histogram lagMicros = new Histogram(3);
    private volatile long firstSendNanos = Long.MIN_VALUE;
    private volatile long lastSendNanos = Long.MIN_VALUE;
    private volatile long stopAt = Long.MAX_VALUE;

    SteadyCohort(SteadySpec spec, RunContext run) {
        this.spec = spec;
        this.run = run;
        // A short head start, so that request 0 is not late because of thread start-up.
        this.t0 = run.time().nanos() + 20 * MS;
        this.baselineEnd = t0 + spec.baseline().toNanos();
        this.schedule = new SteadySchedule(run.targets(), spec.rate(), t0, run.hardStopNanos(), spec.maxInFlight(),
                run.requestTimeout().toNanos(), run.engine(), this::skipped);
        if (run.realtime()) {
            schedule.onStart(Realtime::promoteCurrentThread);
        }
        this.baselineCount = schedule.countBefore(baselineEnd);
    }

    @Override
    public String name() {
        return Record.STEADY;
    }

    /** Intended time of request 0. */
    public long t0() {
        return t0;
    }

    public long baselineEnd() {
        return baselineEnd;
    }

    public SteadySchedule schedule() {
        return schedule;
    }

    @Override
    public void open() {
        run.out().log(String.format(Locale.ROOT, "==> traffic: %s req/s to %s", num(spec.rate()),
                run.targets().stream().map(Object::toString).collect(Collectors.joining(", "))));
        schedule.start();
    }

    /** No request is due at or after {@code nanos}. May be called before or while running. */
    public void stopAt(long nanos) {
        stopAt = Math.min(nanos, run.hardStopNanos());
        schedule.stopAt(stopAt);
    }

    @Override
    public void awaitReady() throws InterruptedException {
        if (baselineCount == 0) {
            return;
        }
        run.out().log(String.format(Locale.ROOT, "==> baseline: %d requests over %d ms must all succeed", baselineCount,
                spec.baseline().toMillis()));
        long deadline = Math.min(baselineEnd + run.requestTimeout().toNanos() + 1000 * MS, run.hardStopNanos());
        while (true) {
            if (!baselineFailures.isEmpty()) {
                List<Record> failures = new ArrayList<>(baselineFailures);
                throw new TargetUnreachableException("target not healthy before the upgrade (baseline): "
                        + describe(failures) + " — the upgrade was not run", failures);
            }
            if (baselineDone.sum() >= baselineCount) {
                return;
            }
            if (run.time().nanos() > deadline) {
                throw new TargetUnreachableException("baseline did not complete: " + baselineDone.sum()
                        + " of " + baselineCount + " requests answered in time — the upgrade was not run", List.of());
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void finish() throws InterruptedException {
        long until = Math.min(stopAt, run.hardStopNanos());
        schedule.join(Math.max(0, until - run.time().nanos()) + 1000 * MS);
        run.out().log("==> draining in-flight requests");
        run.awaitUntil(() -> done.sum() >= schedule.sent(), run.time().nanos() + run.requestTimeout().toNanos() + 1000 * MS);
    }

    @Override
    public void close() {
        schedule.abort();
        try {
            schedule.join(2000 * MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void observe(Record r) {
        done.increment();
        if (r.seq() < baselineCount) {
            baselineDone.increment();
            if (r.failed() && baselineFailures.size() < KEPT_BASELINE_FAILURES) {
                baselineFailures.add(r);
            }
        }
    }

    /** A request skipped at the in-flight cap never gets a record; count it as settled. */
    private void skipped(long seq) {
        if (seq < baselineCount) {
            baselineDone.increment();
        }
    }

    @Override
    public void dispatched(RequestSpec request, long lagNanos) {
        long now = request.intendedNanos() + lagNanos;
        if (firstSendNanos == Long.MIN_VALUE) {
            firstSendNanos = now;
        }
        lastSendNanos = now;
        if (lagNanos > spec.lateThreshold().toNanos()) {
            late.increment();
        }
        if (lagNanos <= MS) {
            onTime.increment();
        }
        maxLagNanos.accumulateAndGet(lagNanos, Math::max);
        synchronized (lagMicros) {
            lagMicros.recordValue(Math.max(0, lagNanos / 1000));
        }
    }

    public long done() {
        return done.sum();
    }

    public GeneratorStats stats(boolean killed) {
        double p50;
        double p99;
        synchronized (lagMicros) {
            p50 = lagMicros.getTotalCount() == 0 ? 0 : lagMicros.getValueAtPercentile(50) / 1000.0;
            p99 = lagMicros.getTotalCount() == 0 ? 0 : lagMicros.getValueAtPercentile(99) / 1000.0;
        }
        Double first = firstSendNanos == Long.MIN_VALUE ? null : run.time().epochMillis(firstSendNanos);
        Double last = lastSendNanos == Long.MIN_VALUE ? null : run.time().epochMillis(lastSendNanos);
        return new GeneratorStats(schedule.scheduled(), schedule.sent(), late.sum(), maxLagNanos.get() / 1e6,
                schedule.overload(), spec.lateThreshold().toMillis(), schedule.hitHardStop() || killed, p50, p99,
                onTime.sum(), first, last);
    }

    /** {@code go-app: refused 12 (ConnectException: Connection refused)} per target. */
    static String describe(List<Record> failures) {
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

    static String num(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
