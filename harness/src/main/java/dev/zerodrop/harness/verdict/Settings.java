package dev.zerodrop.harness.verdict;

import dev.zerodrop.harness.record.GeneratorStats;

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
 */
public record Settings(GeneratorStats generator,
                       double lateFractionLimit,
                       double maxLagLimitMillis,
                       int failedRecordsLimit,
                       boolean upgradeMustSucceed) {

    public static Settings of(GeneratorStats generator) {
        return new Settings(generator, 0.01, 1000, 100, false);
    }

    public static Settings defaults() {
        return of(null);
    }

    public Settings withUpgradeMustSucceed(boolean value) {
        return new Settings(generator, lateFractionLimit, maxLagLimitMillis, failedRecordsLimit, value);
    }
}
