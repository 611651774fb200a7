package dev.zerodrop.harness;

import dev.zerodrop.harness.record.Cohort;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.traffic.HttpEngine;
import dev.zerodrop.harness.traffic.RequestSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Receives every record (from I/O and stream threads), and keeps the live counters the run needs:
 * baseline health, completion of each cohort, the dispatch lag, and the progress figures.
 */
final class RunCollector implements Consumer<Record>, HttpEngine.Observer {
    private static final int KEPT_BASELINE_FAILURES = 20;

    private final ConcurrentLinkedQueue<Record> records = new ConcurrentLinkedQueue<>();
    private final long lateThresholdNanos;
    private volatile long baselineCount;
    private final LongAdder baselineDone = new LongAdder();
    private final ConcurrentLinkedQueue<Record> baselineFailures = new ConcurrentLinkedQueue<>();
    private final LongAdder steadyDone = new LongAdder();
    private final LongAdder longDone = new LongAdder();
    private final LongAdder longWritten = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder dispatched = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private final Map<String, Map<String, LongAdder>> versions = new ConcurrentHashMap<>();

    RunCollector(long lateThresholdNanos) {
        this.lateThresholdNanos = lateThresholdNanos;
    }

    /** Steady requests with seq below this belong to the baseline. */
    void baselineCount(long count) {
        this.baselineCount = count;
    }

    @Override
    public void accept(Record r) {
        records.add(r);
        if (r.ok()) {
            ok.increment();
            if (r.version() != null) {
                versions.computeIfAbsent(r.target(), k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(r.version(), k -> new LongAdder()).increment();
            }
        } else {
            failed.increment();
        }
        if (r.cohort() == Cohort.STEADY) {
            steadyDone.increment();
            if (r.seq() < baselineCount) {
                baselineDone.increment();
                if (r.failed() && baselineFailures.size() < KEPT_BASELINE_FAILURES) {
                    baselineFailures.add(r);
                }
            }
        } else if (r.cohort() == Cohort.LONG) {
            longDone.increment();
        }
    }

    /** A steady request skipped at the in-flight cap never gets a record; count it as settled. */
    void skipped(long seq) {
        if (seq < baselineCount) {
            baselineDone.increment();
        }
    }

    @Override
    public void dispatched(RequestSpec spec, long lagNanos) {
        if (spec.cohort() != Cohort.STEADY) {
            return;
        }
        dispatched.increment();
        if (lagNanos > lateThresholdNanos) {
            late.increment();
        }
        maxLagNanos.accumulateAndGet(lagNanos, Math::max);
    }

    @Override
    public void written(RequestSpec spec) {
        if (spec.cohort() == Cohort.LONG) {
            longWritten.increment();
        }
    }

    long baselineDone() { return baselineDone.sum(); }
    List<Record> baselineFailures() { return new ArrayList<>(baselineFailures); }
    long steadyDone() { return steadyDone.sum(); }
    long longDone() { return longDone.sum(); }
    long longWritten() { return longWritten.sum(); }
    long ok() { return ok.sum(); }
    long failed() { return failed.sum(); }
    long dispatched() { return dispatched.sum(); }
    long late() { return late.sum(); }
    long maxLagNanos() { return maxLagNanos.get(); }

    /** {@code go-app v1:2990 v2:10 | node-app v1:3000} */
    String versionsLine() {
        Map<String, Map<String, LongAdder>> sorted = new TreeMap<>(versions);
        StringBuilder line = new StringBuilder();
        sorted.forEach((target, counts) -> {
            line.append(line.length() > 0 ? " | " : "").append(target);
            new TreeMap<>(counts).forEach((v, n) -> line.append(' ').append(v).append(':').append(n.sum()));
        });
        return line.toString();
    }

    List<Record> records() {
        return new ArrayList<>(records);
    }
}
