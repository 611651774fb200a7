package dev.zerodrop.harness.cohort;

import dev.zerodrop.harness.TargetUnreachableException;
import dev.zerodrop.harness.stream.SegmentedStream;
import dev.zerodrop.harness.stream.SseStream;
import dev.zerodrop.harness.traffic.Target;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** SSE streams of a run: each opened and showing its first event before the upgrade, closed by the harness at the end. */
final class StreamCohort implements Cohort {
    private final StreamSpec spec;
    private final RunContext run;
    private final List<SseStream> streams = new ArrayList<>();

    StreamCohort(StreamSpec spec, RunContext run) {
        this.spec = spec;
        this.run = run;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public void open() {
        if (spec.count() == 0) {
            return;
        }
        run.out().log("==> " + spec.count() + " streams");
        AtomicLong segments = new AtomicLong();
        SegmentedStream.Settings settings = new SegmentedStream.Settings(name(), SseStream.STREAM_CUT,
                SseStream.STREAM_GAP, spec.idleTimeout(), spec.ids());
        for (int s = 0; s < spec.count(); s++) {
            Target target = run.targets().get(s % run.targets().size());
            SseStream.Options options = new SseStream.Options(target.resolvePath(spec.path()), spec.reconnectEvent(),
                    run.rules(), target.requests().get(0).headers(), spec.eventVersion(), spec.eventInstance());
            SseStream stream = new SseStream(s, target, run.connector(), settings, options, run.sink(), segments);
            streams.add(stream);
            stream.start();
        }
    }

    @Override
    public void awaitReady() throws InterruptedException {
        Duration wait = run.connector().connectTimeout().plus(spec.idleTimeout());
        for (SseStream stream : streams) {
            String problem = stream.awaitFirstEvent(wait);
            if (problem != null) {
                throw new TargetUnreachableException("stream " + stream.index() + " to " + stream.target().name()
                        + " did not deliver its first event before the upgrade: " + problem
                        + " — the upgrade was not run", List.of());
            }
        }
    }

    @Override
    public void finish() throws InterruptedException {
        for (SseStream stream : streams) {
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
