package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.record.Channel;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The open model: request i is due at {@code t0 + i/rate}, whatever happened to earlier requests.
 * One thread walks the clock and hands each request to the engine at its intended time; it never
 * waits for a response, so a stalled backend cannot slow it (no coordinated omission).
 *
 * <p>Request i goes to target {@code i % targets}; per target, successive requests cycle through its
 * channels for each of its requests (the lab: NEW-GET, REUSED-GET, NEW-POST, REUSED-POST), so each
 * combination gets an equal share.
 */
public final class SteadySchedule {
    /** The cohort name of scheduled requests. */
    public static final String COHORT = dev.zerodrop.harness.record.Record.STEADY;

    /** Where due requests go; {@link HttpEngine} in a real run. */
    public interface Dispatcher {
        void send(RequestSpec spec);

        int inFlight();
    }

    private final List<Target> targets;
    private final double rate;
    private final long t0;
    private final long hardStopNanos;
    private final int maxInFlight;
    private final long timeoutNanos;
    private final Dispatcher dispatcher;
    private final LongConsumer onSkip;
    private final Thread thread;
    private final AtomicLong scheduled = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong overload = new AtomicLong();
    private volatile long stopAtNanos = Long.MAX_VALUE;
    private volatile boolean aborted;
    private volatile boolean hitHardStop;
    private volatile Runnable onStart = () -> { };

    /**
     * @param t0            intended time of request 0 ({@link System#nanoTime()})
     * @param hardStopNanos no request is due at or after this, whatever {@link #stopAt} says
     * @param onSkip        told the index of each request skipped at the in-flight cap
     */
    public SteadySchedule(List<Target> targets, double rate, long t0, long hardStopNanos, int maxInFlight,
                          long timeoutNanos, Dispatcher dispatcher, LongConsumer onSkip) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + rate);
        }
        this.targets = List.copyOf(targets);
        this.rate = rate;
        this.t0 = t0;
        this.hardStopNanos = hardStopNanos;
        this.maxInFlight = maxInFlight;
        this.timeoutNanos = timeoutNanos;
        this.dispatcher = dispatcher;
        this.onSkip = onSkip;
        this.thread = new Thread(this::run, "zerodrop-schedule");
        this.thread.setDaemon(true);
        this.thread.setPriority(Thread.MAX_PRIORITY);
    }

    /** Intended offset of request i from t0; computed, never accumulated, so it cannot drift. */
    public static long offsetNanos(long i, double rate) {
        return Math.round(i * 1e9 / rate);
    }

    public long intendedNanos(long i) {
        return t0 + offsetNanos(i, rate);
    }

    /** How many requests are due strictly before {@code nanos}. */
    public long countBefore(long nanos) {
        if (nanos <= t0) {
            return 0;
        }
        long n = (long) Math.ceil((nanos - t0) * rate / 1e9);
        while (n > 0 && intendedNanos(n - 1) >= nanos) {
            n--;
        }
        while (intendedNanos(n) < nanos) {
            n++;
        }
        return n;
    }

    public RequestSpec specFor(long i) {
        int index = (int) (i % targets.size());
        Target target = targets.get(index);
        long k = i / targets.size();
        List<Channel> channels = target.channels();
        Channel channel = channels.get((int) (k % channels.size()));
        RequestTemplate request = target.requests().get((int) ((k / channels.size()) % target.requests().size()));
        return new RequestSpec(COHORT, i, index, channel, request, intendedNanos(i), timeoutNanos);
    }

    public void start() {
        thread.start();
    }

    /** Requests due at or after {@code nanos} are not sent. May be called while running. */
    public void stopAt(long nanos) {
        stopAtNanos = nanos;
        LockSupport.unpark(thread);
    }

    /** Stops now, mid-schedule (an aborted run). */
    public void abort() {
        aborted = true;
        LockSupport.unpark(thread);
    }

    /** Waits for the schedule to end by itself; false if it is still running after the timeout. */
    public boolean join(long timeoutNanos) throws InterruptedException {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
        return !thread.isAlive();
    }

    public long scheduled() {
        return scheduled.get();
    }

    public long sent() {
        return sent.get();
    }

    public long overload() {
        return overload.get();
    }

    public boolean hitHardStop() {
        return hitHardStop;
    }

    /** Runs first on the schedule's own thread (the harness's --realtime promotes it there). */
    public void onStart(Runnable action) {
        this.onStart = action;
    }

    private void run() {
        onStart.run();
        for (long i = 0; ; i++) {
            long due = intendedNanos(i);
            if (due >= hardStopNanos) {
                hitHardStop = due < stopAtNanos;
                return;
            }
            if (!sleepUntil(due) || due >= stopAtNanos) {
                return;
            }
            scheduled.incrementAndGet();
            // The cap protects memory when the target stops answering; a skipped request is counted,
            // and any skip makes the run inconclusive.
            if (dispatcher.inFlight() >= maxInFlight) {
                overload.incrementAndGet();
                onSkip.accept(i);
                continue;
            }
            sent.incrementAndGet();
            dispatcher.send(specFor(i));
        }
    }

    /** Parks until {@code due}, waking for stop signals; false if aborted or stopped before it. */
    private boolean sleepUntil(long due) {
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            if (aborted || due >= stopAtNanos) {
                return false;
            }
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
        }
        return !aborted;
    }
}
