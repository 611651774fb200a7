package dev.zerodrop.harness.cohort;

import dev.zerodrop.harness.traffic.Target;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Slow requests in flight while the upgrade runs: a drain must let them finish. Each is sent on a new
 * connection before the upgrade, to the targets in turn, with {@code query} ({@code {ms}} replaced by
 * its duration, spread evenly over [min, max]) added to the target's first request: the lab's apps
 * hold a request for {@code ?sleep=<ms>}.
 */
public record LongLivedSpec(int count, Duration min, Duration max, String query) implements CohortSpec {
    public static final String NAME = "long";
    public static final String LAB_QUERY = "sleep={ms}";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate(List<Target> targets) {
        SteadySpec.require(count >= 0 && count <= 1000, "long-lived count must be in [0, 1000]");
        SteadySpec.require(!min.isNegative() && min.compareTo(max) <= 0, "long-lived durations need 0 <= min <= max");
    }

    /** Duration of long-lived request k. */
    public Duration sleep(int k) {
        if (count <= 1) {
            return min;
        }
        long span = max.toMillis() - min.toMillis();
        return min.plusMillis(Math.round((double) span * k / (count - 1)));
    }

    @Override
    public Cohort create(RunContext run) {
        return new LongLivedCohort(this, run);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("count", count);
        map.put("minMillis", min.toMillis());
        map.put("maxMillis", max.toMillis());
        map.put("query", query);
        return map;
    }
}
