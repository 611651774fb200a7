package dev.zerodrop.harness.cohort;

import dev.zerodrop.harness.TargetUnreachableException;
import dev.zerodrop.harness.stream.SegmentedStream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Long-lived streams of a run (SSE, WebSocket): each opened and showing its first event before the
 * upgrade, resumed by itself when the server asks, closed by the harness at the end. What kind of
 * stream is the factory's business.
 */
public final class StreamCohort implements Cohort {
    private final String name;
    private final String label;
    private final int count;
    private final Duration readyWait;
    private final IntFunction<SegmentedStream> factory;
    private final RunContext run;
    private final List<SegmentedStream> streams = new ArrayList<>();

    /**
     * @param label     for the log line ({@code streams}, {@code WebSockets})
     * @param readyWait how long each stream may take to deliver its first event
     * @param factory   stream {@code i} of the cohort
     */
    public StreamCohort(String name, String label, int count, Duration readyWait, IntFunction<SegmentedStream> factory,
                        RunContext run) {
        this.name = name;
        this.label = label;
        this.count = count;
        this.readyWait = readyWait;
        this.factory = factory;
        this.run = run;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void open() {
        if (count == 0) {
            return;
        }
        run.out().log("==> " + count + " " + label);
        for (int s = 0; s < count; s++) {
            SegmentedStream stream = factory.apply(s);
            streams.add(stream);
            stream.start();
        }
    }

    @Override
    public void awaitReady() throws InterruptedException {
        for (SegmentedStream stream : streams) {
            String problem = stream.awaitFirstEvent(readyWait);
            if (problem != null) {
                throw new TargetUnreachableException(name + " " + stream.index() + " to " + stream.target().name()
                        + " did not deliver its first event before the upgrade: " + problem
                        + " — the upgrade was not run", List.of());
            }
        }
    }

    @Override
    public void finish() throws InterruptedException {
        for (SegmentedStream stream : streams) {
            stream.stop(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        try {
            finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
