package dev.zerodrop.harness.cohort;

import dev.zerodrop.harness.rules.ValueSource;
import dev.zerodrop.harness.stream.SegmentedStream;
import dev.zerodrop.harness.stream.SseStream;
import dev.zerodrop.harness.traffic.Target;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-sent-event streams open across the upgrade, spread over the targets, each delivering its
 * first event before the upgrade.
 *
 * @param path           relative to each target ({@code stream}) or absolute ({@code /events})
 * @param interval       the server's event interval; a segment silent for 3x this is cut
 * @param reconnectEvent the event that means "resume on a new connection" (the lab's {@code reconnect}),
 *                       or null: then a complete response is the clean end
 * @param ids            the gap rule on integer event ids
 * @param eventVersion   where an event's data says which version sent it ({@code json:/version})
 */
public record StreamSpec(int count, String path, Duration interval, String reconnectEvent, SegmentedStream.IdRule ids,
                         List<ValueSource> eventVersion, List<ValueSource> eventInstance) implements CohortSpec {
    public static final String NAME = "stream";

    @Override
    public String name() {
        return NAME;
    }

    public Duration idleTimeout() {
        return interval.multipliedBy(3);
    }

    @Override
    public void validate(List<Target> targets) {
        SteadySpec.require(count >= 0 && count <= 1000, "streams must be in [0, 1000]");
        SteadySpec.require(interval.toMillis() > 0, "stream interval must be positive");
        SteadySpec.require(count == 0 || (path != null && !path.isBlank()),
                "streams need a path (--stream-path, e.g. /events or 'stream' under each target)");
    }

    @Override
    public Cohort create(RunContext run) {
        AtomicLong segments = new AtomicLong();
        SegmentedStream.Settings settings = new SegmentedStream.Settings(NAME, SseStream.STREAM_CUT,
                SseStream.STREAM_GAP, idleTimeout(), ids);
        return new StreamCohort(NAME, "streams", count, run.connector().connectTimeout().plus(idleTimeout()), s -> {
            Target target = run.targets().get(s % run.targets().size());
            SseStream.Options options = new SseStream.Options(target.resolvePath(path), reconnectEvent, run.rules(),
                    target.requests().get(0).headers(), eventVersion, eventInstance);
            return new SseStream(s, target, run.connector(), settings, options, run.sink(), segments);
        }, run);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("count", count);
        map.put("path", path);
        map.put("intervalMillis", interval.toMillis());
        map.put("reconnectEvent", reconnectEvent);
        map.put("ids", ids.name().toLowerCase(java.util.Locale.ROOT));
        map.put("eventVersion", eventVersion.stream().map(ValueSource::spec).toList());
        return map;
    }
}
