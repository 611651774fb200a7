package dev.zerodrop.harness.record;

/** Which population of traffic an attempt belongs to. */
public enum Cohort {
    /** Open-model requests on a fixed clock. */
    STEADY,
    /** Slow requests ({@code ?sleep=}) in flight while the upgrade runs: drain must let them finish. */
    LONG,
    /** One connection segment of a server-sent-events stream. */
    STREAM
}
