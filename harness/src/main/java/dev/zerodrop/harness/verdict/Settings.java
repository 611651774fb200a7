package dev.zerodrop.harness.verdict;

import dev.zerodrop.harness.record.GeneratorStats;

import java.util.List;

/**
 * Everything besides the records and the window that the verdict depends on.
 *
 * @param generator           how the generator did; null when unknown (records read back from elsewhere)
 * @param lateFractionLimit   more late dispatches than this share of the sent ones makes the run inconclusive
 * @param maxLagLimitMillis   any dispatch lag above this makes the run inconclusive
 * @param failedRecordsLimit  how many failed records the verdict keeps for inspection
 * @param upgradeMustSucceed  a failed upgrade makes the run inconclusive. Off by default: the verdict is about
 *                            the traffic, and "a broken release was refused without a drop" is a claim worth a PASS;
 *                            callers check the window's exit code themselves.
 * @param targets             the plan's target names, so each appears in the tallies even without a record
 * @param cohorts             the plan's cohort names, in plan order (the headline's order)
 */
public record Settings(GeneratorStats generator,
                       double lateFractionLimit,
                       double maxLagLimitMillis,
                       int failedRecordsLimit,
                       boolean upgradeMustSucceed,
                       List<String> targets,
                       List<String> cohorts) {

    /** Failed records kept per target and cohort, for the JUnit report. */
    public static final int CASE_EXAMPLES = 5;

    public Settings {
        targets = List.copyOf(targets);
        cohorts = List.copyOf(cohorts);
    }

    public static Settings of(GeneratorStats generator, List<String> targets, List<String> cohorts) {
        return new Settings(generator, 0.01, 1000, 100, false, targets, cohorts);
    }

    public static Settings of(GeneratorStats generator) {
        return of(generator, List.of(), List.of());
    }

    public static Settings defaults() {
        return of(null);
    }

    public Settings withUpgradeMustSucceed(boolean value) {
        return new Settings(generator, lateFractionLimit, maxLagLimitMillis, failedRecordsLimit, value, targets, cohorts);
    }
}
