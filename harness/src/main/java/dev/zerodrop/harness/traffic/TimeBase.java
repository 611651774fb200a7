package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.record.RecordsJson;
import java.time.Instant;

/**
 * Maps the monotonic clock onto wall time once per run, so every timestamp in the records comes
 * from {@link System#nanoTime()} (immune to clock steps) yet reads as epoch milliseconds.
 */
public final class TimeBase {
    private final long originNanos;
    private final double originEpochMillis;

    private TimeBase(long originNanos, double originEpochMillis) {
        this.originNanos = originNanos;
        this.originEpochMillis = originEpochMillis;
    }

    public static TimeBase start() {
        Instant now = Instant.now();
        long nanos = System.nanoTime();
        return new TimeBase(nanos, now.getEpochSecond() * 1000.0 + now.getNano() / 1e6);
    }

    public long nanos() {
        return System.nanoTime();
    }

    /** Rounded to the microsecond: finer digits would be noise, and this keeps JSON round trips exact. */
    public double epochMillis(long nanos) {
        return RecordsJson.toMicros(originEpochMillis + (nanos - originNanos) / 1e6);
    }

    public double nowEpochMillis() {
        return epochMillis(System.nanoTime());
    }
}
