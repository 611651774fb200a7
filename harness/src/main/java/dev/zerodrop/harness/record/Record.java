package dev.zerodrop.harness.record;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One attempt: one line of {@code records.jsonl}. There are no retries, so one logical request is
 * exactly one record.
 *
 * <p>Times are epoch milliseconds with sub-millisecond fractions. {@code intendedAtMs} is when the
 * schedule said the request was due; latency is measured from it, so a stall that delays sending
 * still shows up as latency (no coordinated omission). Header values and bodies are never recorded.
 *
 * @param seq            index within its cohort (for steady traffic: the schedule index i)
 * @param cohort         which traffic population: {@code steady}, {@code long}, {@code stream}, ...
 * @param channel        what actually happened: REUSED only if the connection had served a response before
 * @param intendedReused the request wanted a reused connection but the pool had none idle
 * @param status         HTTP status, 0 when no response arrived
 * @param connectionId   the harness's id of the TCP connection, 0 if none was established
 * @param segment        streaming cohorts only: which stream, how many events, first and last sequence
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Record(
        long seq,
        String target,
        String cohort,
        Channel channel,
        boolean intendedReused,
        String method,
        double intendedAtMs,
        double startAtMs,
        double endAtMs,
        long latencyMicros,
        int status,
        ErrorClass error,
        String message,
        String version,
        String instance,
        long connectionId,
        Segment segment) {

    /** The open-model cohort on a fixed clock: the one latency, switch-over and recovery are measured on. */
    public static final String STEADY = "steady";

    public boolean ok() {
        return !error.failed();
    }

    public boolean failed() {
        return error.failed();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** For hand-made records (tests, generated records). */
    public static final class Builder {
        private long seq;
        private String target = "app";
        private String cohort = STEADY;
        private Channel channel = Channel.NEW;
        private boolean intendedReused;
        private String method = "GET";
        private double intendedAtMs;
        private double startAtMs;
        private double endAtMs;
        private long latencyMicros = -1;
        private int status;
        private ErrorClass error = ErrorClass.NONE;
        private String message;
        private String version;
        private String instance;
        private long connectionId;
        private Segment segment;

        public Builder seq(long v) { seq = v; return this; }
        public Builder target(String v) { target = v; return this; }
        public Builder cohort(String v) { cohort = v; return this; }
        public Builder channel(Channel v) { channel = v; return this; }
        public Builder intendedReused(boolean v) { intendedReused = v; return this; }
        public Builder method(String v) { method = v; return this; }
        public Builder intendedAtMs(double v) { intendedAtMs = v; return this; }
        public Builder startAtMs(double v) { startAtMs = v; return this; }
        public Builder endAtMs(double v) { endAtMs = v; return this; }
        public Builder latencyMicros(long v) { latencyMicros = v; return this; }
        public Builder status(int v) { status = v; return this; }
        public Builder error(ErrorClass v) { error = v; return this; }
        public Builder message(String v) { message = v; return this; }
        public Builder version(String v) { version = v; return this; }
        public Builder instance(String v) { instance = v; return this; }
        public Builder connectionId(long v) { connectionId = v; return this; }
        public Builder segment(Segment v) { segment = v; return this; }

        /** Sets intended, start and end at once: a request due at {@code at} that took {@code millis}. */
        public Builder at(double at, double millis) {
            intendedAtMs = at;
            startAtMs = at;
            endAtMs = at + millis;
            return this;
        }

        public Record build() {
            long latency = latencyMicros >= 0 ? latencyMicros : Math.round((endAtMs - intendedAtMs) * 1000);
            return new Record(seq, target, cohort, channel, intendedReused, method, intendedAtMs, startAtMs,
                    endAtMs, latency, status, error, message, version, instance, connectionId, segment);
        }
    }
}
