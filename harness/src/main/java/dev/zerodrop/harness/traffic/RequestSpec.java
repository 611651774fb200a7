package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.record.Channel;

/**
 * One request to make, decided by its cohort before it is handed to the I/O threads.
 *
 * @param target        index into the engine's targets
 * @param channel       the intended channel; the record says what actually happened
 * @param intendedNanos when it is due ({@link System#nanoTime()}); latency counts from here
 * @param timeoutNanos  the whole attempt (connect, TLS, write, full response) must finish within this
 */
public record RequestSpec(String cohort, long seq, int target, Channel channel, RequestTemplate request,
                          long intendedNanos, long timeoutNanos) {

    /** Sent on every request so a server can prove it saw each attempt exactly once. */
    public static final String SEQ_HEADER = "X-Request-Seq";

    public String seqHeaderValue() {
        return cohort + "-" + seq;
    }
}
