package dev.zerodrop.harness.record;

/**
 * How well the generator kept its schedule. If it fell behind or skipped requests, the run proves
 * nothing about the target, and the verdict becomes INCONCLUSIVE.
 *
 * @param scheduled            steady requests the schedule reached (sent + overload)
 * @param sent                 steady requests actually dispatched
 * @param lateDispatches       dispatches that started more than {@code lateThresholdMillis} after their intended time
 * @param maxLagMillis         the worst dispatch lag
 * @param overload             requests skipped because the in-flight cap was reached (k6's dropped iterations)
 * @param stoppedByMaxDuration the run hit its hard time cap
 * @param lagP50Millis         median dispatch lag (send start minus intended time)
 * @param lagP99Millis         99th percentile of the dispatch lag
 * @param onTime               dispatches that started within 1 ms of their intended time
 * @param firstSendAtMs        epoch ms of the first steady dispatch, null if none
 * @param lastSendAtMs         epoch ms of the last steady dispatch, null if none
 */
public record GeneratorStats(
        long scheduled,
        long sent,
        long lateDispatches,
        double maxLagMillis,
        long overload,
        double lateThresholdMillis,
        boolean stoppedByMaxDuration,
        double lagP50Millis,
        double lagP99Millis,
        long onTime,
        Double firstSendAtMs,
        Double lastSendAtMs) {

    /**
     * Times are kept at the microsecond, as report.json stores them. A finer max lag made a run's
     * summary and the one {@code report DIR} re-judged from its files differ (1.5496 ms printed
     * "1.5", stored 1.55 printed "1.6"; seen once in CI).
     */
    public GeneratorStats {
        maxLagMillis = RecordsJson.toMicros(maxLagMillis);
        lateThresholdMillis = RecordsJson.toMicros(lateThresholdMillis);
        lagP50Millis = RecordsJson.toMicros(lagP50Millis);
        lagP99Millis = RecordsJson.toMicros(lagP99Millis);
        firstSendAtMs = firstSendAtMs == null ? null : RecordsJson.toMicros(firstSendAtMs);
        lastSendAtMs = lastSendAtMs == null ? null : RecordsJson.toMicros(lastSendAtMs);
    }

    /**
     * A dispatch later than this counts as late. 100 ms, not less: on the lab's two shared cores
     * (generator, proxy, apps and Docker together) dispatches 20-60 ms late are routine and hide
     * nothing, while a gap long enough to miss a deployment's drop window is not.
     */
    public static final double DEFAULT_LATE_THRESHOLD_MILLIS = 100;

    /** Stats with only the verdict-relevant figures (tests, hand-made runs). */
    public static GeneratorStats of(long scheduled, long sent, long late, double maxLagMillis, long overload,
                                    boolean stoppedByMaxDuration) {
        return new GeneratorStats(scheduled, sent, late, maxLagMillis, overload, DEFAULT_LATE_THRESHOLD_MILLIS,
                stoppedByMaxDuration, 0, 0, sent, null, null);
    }

    /** Dispatches per second between the first and the last one. */
    public double achievedRate() {
        return sent < 2 || firstSendAtMs == null || !(lastSendAtMs > firstSendAtMs) ? 0 : (sent - 1) * 1000 / (lastSendAtMs - firstSendAtMs);
    }
}
