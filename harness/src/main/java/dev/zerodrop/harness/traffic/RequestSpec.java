package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.Cohort;

/**
 * One request to make, decided by the schedule before it is handed to the I/O threads.
 *
 * @param target        index into the engine's targets
 * @param channel       the intended channel; the record says what actually happened
 * @param intendedNanos when it is due ({@link System#nanoTime()}); latency counts from here
 * @param timeoutNanos  the whole attempt (connect, write, full response) must finish within this
 */
public record RequestSpec(Cohort cohort, long seq, int target, Channel channel, boolean post, String path,
                          long intendedNanos, long timeoutNanos) {

    /** Sent on every request so a server can prove it saw each attempt exactly once. */
    public static final String SEQ_HEADER = "X-Request-Seq";

    public String seqHeaderValue() {
        return cohort.name().toLowerCase(java.util.Locale.ROOT) + "-" + seq;
    }
}
