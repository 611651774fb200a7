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
 */
public record GeneratorStats(
        long scheduled,
        long sent,
        long lateDispatches,
        double maxLagMillis,
        long overload,
        double lateThresholdMillis,
        boolean stoppedByMaxDuration) {

    /**
     * A dispatch later than this counts as late. 100 ms, not less: on the lab's two shared cores
     * (generator, proxy, apps and Docker together) dispatches 20-60 ms late are routine and hide
     * nothing, while a gap long enough to miss a deployment's drop window is not.
     */
    public static final double DEFAULT_LATE_THRESHOLD_MILLIS = 100;
}
