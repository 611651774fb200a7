package dev.zerodrop.harness.verdict;

/** Steady-cohort latency per phase, and over the whole run. */
public record Latencies(LatencyStats before, LatencyStats during, LatencyStats after, LatencyStats all) {

    public LatencyStats of(Phase phase) {
        return switch (phase) {
            case BEFORE -> before;
            case DURING -> during;
            case AFTER -> after;
        };
    }
}
