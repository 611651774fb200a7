package dev.zerodrop.harness.cohort;

import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.traffic.RequestSpec;

/**
 * One population of traffic in a run, as a plug-in: the harness opens it, waits until it is in
 * place, runs the upgrade, then finishes and closes it, and judges its records like everyone else's.
 * A new kind of traffic is one new {@link CohortSpec} and its cohort; nothing else names it.
 *
 * <p>Life cycle, driven by the harness: {@link #open} → {@link #awaitReady} → (the upgrade) →
 * {@link #finish} → {@link #close} (always, also when something failed).
 */
public interface Cohort {
    String name();

    /**
     * Starts its traffic. A cohort {@linkplain CohortSpec#opensBeforeBaseline() opened before the
     * baseline} carries the baseline; the others open once the baseline was clean.
     */
    void open();

    /**
     * Blocks until the cohort is in place before the upgrade (its first answers seen, its requests on
     * the wire). Throws {@link dev.zerodrop.harness.TargetUnreachableException} when it cannot be: the
     * upgrade is then not run.
     */
    void awaitReady() throws InterruptedException;

    /** Ends its traffic the clean way and waits, bounded, until every attempt has its record. */
    void finish() throws InterruptedException;

    /** Aborts whatever is still open; every open attempt still gets its one record. Idempotent. */
    void close();

    /** Each of its own records, after it was collected. */
    default void observe(Record record) {
    }

    /** One of its requests left the schedule ({@code lagNanos} after its intended time). */
    default void dispatched(RequestSpec spec, long lagNanos) {
    }

    /** One of its requests is on the wire. */
    default void written(RequestSpec spec) {
    }
}
