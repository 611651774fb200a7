package dev.zerodrop.harness.cohort;

import dev.zerodrop.harness.traffic.Target;

import java.util.List;
import java.util.Map;

/** What a cohort will do, as part of a plan: validated once, described in report.json, built per run. */
public interface CohortSpec {
    /** The cohort's name in records and reports ({@code steady}, {@code long}, {@code stream}...). */
    String name();

    /** Only the steady traffic: the baseline is judged on it. */
    default boolean opensBeforeBaseline() {
        return false;
    }

    /** A cohort with nothing to do is left out of the plan (no "0/0" noise in every report). */
    default boolean active() {
        return true;
    }

    /** Throws IllegalArgumentException saying what to fix. */
    void validate(List<Target> targets);

    Cohort create(RunContext run);

    /** The spec as plain values, for report.json. */
    Map<String, Object> describe();
}
