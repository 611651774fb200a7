package dev.zerodrop.harness.cohort;

import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.traffic.Target;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Open-model requests on a fixed clock: {@code rate} per second over all targets, each target cycling
 * through its channel × request mix. Its first {@code baseline} of traffic must all succeed before
 * anything else happens.
 *
 * @param maxInFlight   requests open at once, at most; a request due beyond it is skipped and counted
 * @param lateThreshold a dispatch later than this counts as late
 */
public record SteadySpec(double rate, Duration baseline, int maxInFlight, Duration lateThreshold) implements CohortSpec {

    @Override
    public String name() {
        return Record.STEADY;
    }

    @Override
    public boolean opensBeforeBaseline() {
        return true;
    }

    @Override
    public void validate(List<Target> targets) {
        require(rate > 0 && rate <= 100_000, "rate must be in (0, 100000] req/s: " + rate);
        require(!baseline.isNegative(), "baseline must not be negative");
        require(maxInFlight >= 1, "max in-flight must be at least 1");
        require(lateThreshold.toMillis() >= 1, "late threshold must be at least 1 ms");
    }

    @Override
    public SteadyCohort create(RunContext run) {
        return new SteadyCohort(this, run);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("rate", rate);
        map.put("baselineMillis", baseline.toMillis());
        map.put("maxInFlight", maxInFlight);
        map.put("lateThresholdMillis", lateThreshold.toMillis());
        return map;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
