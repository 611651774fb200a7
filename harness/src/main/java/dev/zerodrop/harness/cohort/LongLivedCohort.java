package dev.zerodrop.harness.cohort;

import dev.zerodrop.harness.TargetUnreachableException;
import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.traffic.RequestSpec;
import dev.zerodrop.harness.traffic.RequestTemplate;
import dev.zerodrop.harness.traffic.Target;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/** The long-lived requests of a run: on the wire before the upgrade, awaited after it. */
final class LongLivedCohort implements Cohort {
    private static final long MS = 1_000_000L;

    private final LongLivedSpec spec;
    private final RunContext run;
    private final LongAdder done = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final ConcurrentLinkedQueue<Record> failures = new ConcurrentLinkedQueue<>();
    private long start;

    LongLivedCohort(LongLivedSpec spec, RunContext run) {
        this.spec = spec;
        this.run = run;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public void open() {
        start = run.time().nanos();
        if (spec.count() == 0) {
            return;
        }
        run.out().log(String.format(Locale.ROOT, "==> %d long-lived requests (%d-%d ms)", spec.count(),
                spec.min().toMillis(), spec.max().toMillis()));
        List<Target> targets = run.targets();
        for (int k = 0; k < spec.count(); k++) {
            Duration sleep = spec.sleep(k);
            int t = k % targets.size();
            RequestTemplate first = targets.get(t).requests().get(0);
            RequestTemplate request = spec.query() == null || spec.query().isEmpty() ? first
                    : first.withQuery(spec.query().replace("{ms}", Long.toString(sleep.toMillis())));
            run.engine().send(new RequestSpec(name(), k, t, Channel.NEW, request, start,
                    sleep.plus(run.requestTimeout()).toNanos()));
        }
    }

    /** On the wire before the upgrade starts, and none failed. */
    @Override
    public void awaitReady() throws InterruptedException {
        int n = spec.count();
        if (n == 0) {
            return;
        }
        run.awaitUntil(() -> written.sum() + done.sum() >= n,
                start + run.connector().connectTimeout().toNanos() + 1000 * MS);
        // Let the server start reading them before the upgrade begins.
        Thread.sleep(100);
        if (!failures.isEmpty()) {
            List<Record> failed = new ArrayList<>(failures);
            throw new TargetUnreachableException("long-lived requests failed before the upgrade: "
                    + SteadyCohort.describe(failed) + " — the upgrade was not run", failed);
        }
    }

    @Override
    public void finish() throws InterruptedException {
        long deadline = start + spec.max().toNanos() + run.requestTimeout().toNanos() + 1000 * MS;
        run.awaitUntil(() -> done.sum() >= spec.count(), deadline);
    }

    @Override
    public void close() {
        // The engine aborts what is still open when it closes: each attempt still gets its record.
    }

    @Override
    public void observe(Record r) {
        done.increment();
        if (r.failed() && failures.size() < 20) {
            failures.add(r);
        }
    }

    @Override
    public void written(RequestSpec spec) {
        written.increment();
    }
}
