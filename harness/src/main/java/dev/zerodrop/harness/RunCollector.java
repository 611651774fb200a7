package dev.zerodrop.harness;

import dev.zerodrop.harness.cohort.Cohort;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RecordsWriter;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.report.TimelineAccumulator;
import dev.zerodrop.harness.traffic.HttpEngine;
import dev.zerodrop.harness.traffic.RequestSpec;
import dev.zerodrop.harness.verdict.VerdictAccumulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Receives every record (from I/O threads) exactly once and passes it on: to its cohort, to the
 * incremental verdict and timeline, to records.jsonl, and to memory only when asked. What it keeps
 * itself is counters — progress figures and versions per target — so memory stays flat however long
 * the run.
 */
final class RunCollector implements Consumer<Record>, HttpEngine.Observer {
    private final VerdictAccumulator verdict;
    private final RecordsOutput output;
    private final RecordsWriter writer;
    private final ConcurrentLinkedQueue<Record> kept;
    private final Map<String, Cohort> cohorts = new ConcurrentHashMap<>();
    private final LongAdder ok = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder dispatched = new LongAdder();
    private final Map<String, Map<String, LongAdder>> versions = new ConcurrentHashMap<>();
    private volatile TimelineAccumulator timeline;
    private RunInfo.SteadySpan span = RunInfo.SteadySpan.EMPTY;

    RunCollector(VerdictAccumulator verdict, RecordsOutput output) {
        this.verdict = verdict;
        this.output = output;
        this.writer = output.file() != null && output.mode() != RecordsOutput.Mode.NONE ? new RecordsWriter(output.file()) : null;
        this.kept = output.keep() ? new ConcurrentLinkedQueue<>() : null;
    }

    void register(Cohort cohort) {
        cohorts.put(cohort.name(), cohort);
    }

    /** Set before the first record: second 0 of the timeline is the first intended request. */
    void timeline(TimelineAccumulator accumulator) {
        this.timeline = accumulator;
    }

    @Override
    public void accept(Record r) {
        verdict.add(r);
        TimelineAccumulator t = timeline;
        if (t != null) {
            t.add(r);
        }
        if (writer != null && output.mode().writes(r.failed())) {
            writer.write(r);
        }
        if (kept != null) {
            kept.add(r);
        }
        if (r.ok()) {
            ok.increment();
            if (r.version() != null) {
                versions.computeIfAbsent(r.target(), k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(r.version(), k -> new LongAdder()).increment();
            }
        } else {
            failed.increment();
        }
        if (r.cohort().equals(Record.STEADY)) {
            synchronized (this) {
                span = span.plus(r);
            }
        }
        Cohort cohort = cohorts.get(r.cohort());
        if (cohort != null) {
            cohort.observe(r);
        }
    }

    @Override
    public void dispatched(RequestSpec spec, long lagNanos) {
        if (spec.cohort().equals(Record.STEADY)) {
            dispatched.increment();
        }
        Cohort cohort = cohorts.get(spec.cohort());
        if (cohort != null) {
            cohort.dispatched(spec, lagNanos);
        }
    }

    @Override
    public void written(RequestSpec spec) {
        Cohort cohort = cohorts.get(spec.cohort());
        if (cohort != null) {
            cohort.written(spec);
        }
    }

    long ok() { return ok.sum(); }
    long failed() { return failed.sum(); }
    long dispatched() { return dispatched.sum(); }

    synchronized RunInfo.SteadySpan span() {
        return span;
    }

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

    /** Every record, when the plan kept them in memory; null otherwise. */
    List<Record> kept() {
        return kept == null ? null : new ArrayList<>(kept);
    }

    /** Flushes and closes records.jsonl. */
    void close() {
        if (writer != null) {
            writer.close();
        }
    }
}
