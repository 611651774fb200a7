package dev.zerodrop.harness.ws;

import dev.zerodrop.harness.cohort.Cohort;
import dev.zerodrop.harness.cohort.CohortSpec;
import dev.zerodrop.harness.cohort.RunContext;
import dev.zerodrop.harness.cohort.StreamCohort;
import dev.zerodrop.harness.rules.ValueSource;
import dev.zerodrop.harness.stream.SegmentedStream;
import dev.zerodrop.harness.traffic.Target;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSockets open across the upgrade, spread over the targets: the cohort {@code ws} (records and
 * reports name it so: {@code ws 20/0}). Each is
 * opened before the upgrade and must deliver its first message first; see {@link WebSocketStream}.
 *
 * @param path       relative to each target ({@code ws}) or absolute ({@code /socket})
 * @param interval   the server's message interval; a socket silent for 3x this is cut
 * @param resume     the query parameter that tells the server the last sequence seen ({@code last})
 * @param cleanCodes close codes after which the socket resumes (default 1001 and 1012)
 * @param seq        where a message's sequence number is ({@code json:/seq})
 */
public record WebSocketSpec(int count, String path, Duration interval, String resume, Set<Integer> cleanCodes,
                            SegmentedStream.IdRule ids, ValueSource seq, List<ValueSource> version,
                            List<ValueSource> instance) implements CohortSpec {
    public static final String NAME = "ws";
    public static final Set<Integer> CLEAN_CODES = Set.of(1001, 1012);

    /** The lab's apps: {@code <app>/ws}, a tick a second, {@code ?last=<seq>} to resume, 1012 on drain. */
    public static WebSocketSpec lab(int count) {
        return new WebSocketSpec(count, "ws", Duration.ofSeconds(1), "last", CLEAN_CODES, SegmentedStream.IdRule.CONSECUTIVE,
                ValueSource.parse("json:/seq"), List.of(ValueSource.parse("json:/version")),
                List.of(ValueSource.parse("json:/instance")));
    }

    public WebSocketSpec {
        cleanCodes = Set.copyOf(cleanCodes);
        version = List.copyOf(version);
        instance = List.copyOf(instance);
    }

    public WebSocketSpec withPath(String newPath) {
        return new WebSocketSpec(count, newPath, interval, resume, cleanCodes, ids, seq, version, instance);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean active() {
        return count > 0;
    }

    public Duration idleTimeout() {
        return interval.multipliedBy(3);
    }

    @Override
    public void validate(List<Target> targets) {
        if (count < 0 || count > 1000) {
            throw new IllegalArgumentException("websockets must be in [0, 1000]");
        }
        if (count > 0 && (path == null || path.isBlank())) {
            throw new IllegalArgumentException("WebSockets need a path (--ws-path, e.g. /socket or 'ws' under each target)");
        }
        if (interval.toMillis() <= 0) {
            throw new IllegalArgumentException("WebSocket interval must be positive");
        }
        for (int code : cleanCodes) {
            if (code < 1000 || code > 4999) {
                throw new IllegalArgumentException("not a WebSocket close code: " + code);
            }
        }
    }

    @Override
    public Cohort create(RunContext run) {
        AtomicLong segments = new AtomicLong();
        SegmentedStream.Settings settings = new SegmentedStream.Settings(NAME, WebSocketStream.WS_CUT,
                WebSocketStream.WS_GAP, idleTimeout(), ids);
        return new StreamCohort(NAME, "WebSockets", count, run.connector().connectTimeout().plus(idleTimeout()), s -> {
            Target target = run.targets().get(s % run.targets().size());
            WebSocketStream.Options options = new WebSocketStream.Options(target.resolvePath(path), resume, cleanCodes,
                    run.rules(), target.requests().get(0).headers(), seq, version, instance);
            return new WebSocketStream(s, target, run.connector(), settings, options, run.sink(), segments);
        }, run);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("count", count);
        map.put("path", path);
        map.put("intervalMillis", interval.toMillis());
        map.put("resume", resume);
        map.put("cleanCodes", new TreeSet<>(cleanCodes));
        map.put("ids", ids.name().toLowerCase(java.util.Locale.ROOT));
        map.put("seq", seq.spec());
        return map;
    }
}
