package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.rules.Answer;
import dev.zerodrop.harness.rules.AnswerRules;
import dev.zerodrop.harness.rules.Judgement;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Sends requests with Netty and turns each attempt into exactly one {@link Record}. There is no retry
 * anywhere: a request that fails on a dead keep-alive connection is recorded as failed, because that
 * is precisely the drop a deployment must not cause.
 *
 * <p>{@link #send} never blocks, so a stalled server cannot slow the schedule. All state of a lane
 * (its keep-alive pool, its in-flight attempts) is touched only on that lane's event-loop thread,
 * which is why there are no locks. Whether an answer is good is the {@link AnswerRules}' decision.
 */
public final class HttpEngine implements SteadySchedule.Dispatcher, AutoCloseable {
    private static final int MAX_RESPONSE_BYTES = 1 << 20;
    /** Bodies are judged on their first 64 KiB: enough for any rule, bounded for any server. */
    private static final int MAX_JUDGED_BODY_BYTES = 64 * 1024;

    /** Told when a request started (lag is measured there) and when its bytes were on the wire. */
    public interface Observer {
        void dispatched(RequestSpec spec, long lagNanos);

        default void written(RequestSpec spec) {
        }
    }

    private final List<Target> targets;
    private final Connector connector;
    private final AnswerRules rules;
    private final boolean judgeBody;
    private final Lane[][] lanes;
    private final TimeBase time;
    private final Consumer<Record> sink;
    private final Observer observer;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param poolSize keep-alive connections per target, at most; each target gets one lane per
     *                 event-loop thread, each lane its share of the pool
     */
    public HttpEngine(List<Target> targets, Connector connector, int poolSize, AnswerRules rules,
                      Consumer<Record> sink, Observer observer) {
        this.targets = List.copyOf(targets);
        this.connector = connector;
        this.rules = rules;
        this.judgeBody = rules.needsBody();
        this.time = connector.time();
        this.sink = sink;
        this.observer = observer;
        int threads = connector.ioThreads();
        this.lanes = new Lane[targets.size()][threads];
        int poolPerLane = Math.max(1, (poolSize + threads - 1) / threads);
        for (int t = 0; t < targets.size(); t++) {
            for (int l = 0; l < threads; l++) {
                lanes[t][l] = new Lane(targets.get(t), connector.next(), poolPerLane);
            }
        }
    }

    /** Hands the request to its lane's event loop and returns at once. Safe from any thread. */
    @Override
    public void send(RequestSpec spec) {
        inFlight.incrementAndGet();
        Lane lane = laneFor(spec);
        try {
            lane.loop.execute(() -> lane.start(spec));
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet(); // the engine is closed: the run is over
        }
    }

    /** Requests handed over whose record has not been produced yet. */
    @Override
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Whole cycles of a target's mix (channel x request) go to the same lane, so every lane sees the
     * same mix.
     */
    private Lane laneFor(RequestSpec spec) {
        Lane[] forTarget = lanes[spec.target()];
        long cycle = spec.seq() / ((long) targets.size() * targets.get(spec.target()).mixSize());
        return forTarget[(int) (cycle % forTarget.length)];
    }

    /**
     * Fails every attempt still open (message "harness stopped"), so each sent request still gets its
     * one record, then closes all connections.
     */
    @Override
    public void close() {
        List<io.netty.util.concurrent.Future<?>> aborts = new ArrayList<>();
        for (Lane[] forTarget : lanes) {
            for (Lane lane : forTarget) {
                if (!lane.loop.isShuttingDown()) {
                    aborts.add(lane.loop.submit(lane::abortAll));
                }
            }
        }
        for (io.netty.util.concurrent.Future<?> abort : aborts) {
            abort.awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /** One target on one event loop: its own keep-alive pool and its own open attempts. */
    private final class Lane {
        final Target target;
        final EventLoop loop;
        final Bootstrap bootstrap;
        final int maxPooled;
        final ArrayDeque<Conn> idle = new ArrayDeque<>();
        final Set<Attempt> open = Collections.newSetFromMap(new IdentityHashMap<>());
        int pooled;

        Lane(Target target, EventLoop loop, int maxPooled) {
            this.target = target;
            this.loop = loop;
            this.maxPooled = maxPooled;
            this.bootstrap = connector.bootstrap(target, loop, pipeline -> pipeline.addLast(Http.codec(),
                    new HttpObjectAggregator(MAX_RESPONSE_BYTES), new Conn(Lane.this, connector.nextConnectionId())));
        }

        Observer observer() {
            return observer;
        }

        void start(RequestSpec spec) {
            long now = time.nanos();
            observer.dispatched(spec, now - spec.intendedNanos());
            Attempt attempt = new Attempt(spec, now);
            open.add(attempt);
            attempt.timeout = loop.schedule(() -> timedOut(attempt), spec.timeoutNanos(), TimeUnit.NANOSECONDS);
            if (spec.channel() == Channel.REUSED) {
                Conn conn = takeIdle();
                if (conn != null) {
                    attempt.reused = true;
                    conn.send(attempt);
                    return;
                }
                // Pool miss: a fresh connection, honestly recorded as NEW, that joins the pool afterwards.
                attempt.intendedReused = true;
                boolean joinsPool = pooled < maxPooled;
                if (joinsPool) {
                    pooled++;
                }
                connect(attempt, true, joinsPool);
            } else {
                connect(attempt, false, false);
            }
        }

        /** Skips connections the server closed while idle: pool hygiene, not a retry. */
        Conn takeIdle() {
            for (Conn conn = idle.pollFirst(); conn != null; conn = idle.pollFirst()) {
                if (conn.channel.isActive() && !conn.closed) {
                    return conn;
                }
            }
            return null;
        }

        void connect(Attempt attempt, boolean keepAlive, boolean joinsPool) {
            ChannelFuture future = bootstrap.connect();
            // Registration runs inline on this loop, so the pipeline (and its Conn) already exists
            // unless registration itself failed (e.g. out of file descriptors).
            Conn conn = future.channel().pipeline().get(Conn.class);
            if (conn == null) {
                if (joinsPool) {
                    pooled--;
                }
                Throwable cause = future.cause() != null ? future.cause() : new IllegalStateException("channel not registered");
                finish(attempt, Errors.classify(cause), 0, Errors.describe(cause), null, null, null);
                return;
            }
            conn.keepAlive = keepAlive;
            conn.pooled = joinsPool;
            conn.channel = future.channel();
            attempt.conn = conn;
            future.channel().closeFuture().addListener(f -> closed(conn));
            future.addListener(f -> {
                if (!f.isSuccess()) {
                    finish(attempt, Errors.classify(f.cause()), 0, Errors.describe(f.cause()), null, null, conn);
                } else if (attempt.done) {
                    conn.channel.close();
                } else {
                    conn.send(attempt);
                }
            });
        }

        void closed(Conn conn) {
            conn.closed = true;
            idle.remove(conn);
            if (conn.pooled) {
                conn.pooled = false;
                pooled--;
            }
        }

        void timedOut(Attempt attempt) {
            if (attempt.done) {
                return;
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(attempt.spec.timeoutNanos());
            finish(attempt, ErrorClass.TIMEOUT, 0, "no full response within " + millis + " ms", null, null,
                    attempt.conn);
            if (attempt.conn != null && attempt.conn.channel != null) {
                attempt.conn.channel.close();
            }
        }

        void responded(Attempt attempt, Conn conn, FullHttpResponse response) {
            int status = response.status().code();
            ErrorClass error;
            String message;
            String version;
            String instance;
            if (response.decoderResult().isFailure()) {
                Throwable cause = response.decoderResult().cause();
                error = cause instanceof PrematureChannelClosureException ? ErrorClass.PREMATURE_CLOSE : ErrorClass.OTHER;
                message = "bad response: " + Errors.describe(cause);
                version = null;
                instance = null;
            } else {
                CharSequence body = judgeBody ? response.content().toString(response.content().readerIndex(),
                        Math.min(response.content().readableBytes(), MAX_JUDGED_BODY_BYTES), StandardCharsets.UTF_8) : null;
                Judgement j = rules.judge(new Answer(status, response.headers()::get, body));
                error = j.error();
                message = j.message();
                version = j.version();
                instance = j.instance();
            }
            finish(attempt, error, status, message, version, instance, conn);
            boolean reusable = conn.pooled && conn.keepAlive && HttpUtil.isKeepAlive(response)
                    && conn.channel.isActive() && !response.decoderResult().isFailure();
            if (reusable) {
                idle.addLast(conn); // FIFO: every pooled connection stays busy, none idles into a server timeout
            } else {
                conn.channel.close();
            }
        }

        void failed(Attempt attempt, Conn conn, ErrorClass error, String message) {
            finish(attempt, error, 0, message, null, null, conn);
        }

        /** The one place a record is made; {@code done} guarantees one record per attempt. */
        void finish(Attempt attempt, ErrorClass error, int status, String message, String version, String instance,
                    Conn conn) {
            if (attempt.done) {
                return;
            }
            attempt.done = true;
            open.remove(attempt);
            if (attempt.timeout != null) {
                attempt.timeout.cancel(false);
            }
            if (conn != null && conn.current == attempt) {
                conn.current = null;
            }
            inFlight.decrementAndGet();
            long end = time.nanos();
            RequestSpec spec = attempt.spec;
            boolean connected = conn != null && conn.channel != null && conn.connected;
            sink.accept(new Record(spec.seq(), target.name(), spec.cohort(),
                    attempt.reused ? Channel.REUSED : Channel.NEW, attempt.intendedReused, spec.request().method(),
                    time.epochMillis(spec.intendedNanos()), time.epochMillis(attempt.startNanos), time.epochMillis(end),
                    (end - spec.intendedNanos()) / 1000, status, error, message, version, instance,
                    connected ? conn.id : 0, null));
        }

        void abortAll() {
            for (Attempt attempt : new ArrayList<>(open)) {
                finish(attempt, ErrorClass.OTHER, 0, "harness stopped before a response", null, null, attempt.conn);
            }
            for (Conn conn : new ArrayList<>(idle)) {
                conn.channel.close();
            }
        }

        FullHttpRequest request(RequestSpec spec, boolean keepAlive) {
            RequestTemplate template = spec.request();
            ByteBuf body = template.hasBody() ? Unpooled.wrappedBuffer(template.body()) : Unpooled.EMPTY_BUFFER;
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                    HttpMethod.valueOf(template.method()), template.pathAndQuery(), body, Http.HEADERS, Http.TRAILERS);
            request.headers()
                    .set(HttpHeaderNames.HOST, target.hostHeader())
                    .set(HttpHeaderNames.USER_AGENT, "zerodrop-harness")
                    .set(HttpHeaderNames.ACCEPT, "*/*")
                    .set(RequestSpec.SEQ_HEADER, spec.seqHeaderValue());
            for (RequestTemplate.Header h : template.headers()) {
                request.headers().set(h.name(), h.value()); // the user's headers win over the defaults
            }
            if (template.hasBody() || template.writes()) {
                request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                if (template.hasBody() && !request.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
                    request.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
                }
            }
            if (!keepAlive) {
                request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            return request;
        }
    }

    private static final class Attempt {
        final RequestSpec spec;
        final long startNanos;
        boolean reused;
        boolean intendedReused;
        boolean done;
        Conn conn;
        ScheduledFuture<?> timeout;

        Attempt(RequestSpec spec, long startNanos) {
            this.spec = spec;
            this.startNanos = startNanos;
        }
    }

    /** One TCP connection and the single attempt it carries (no pipelining). */
    private static final class Conn extends ChannelInboundHandlerAdapter {
        final Lane lane;
        final long id;
        io.netty.channel.Channel channel;
        boolean keepAlive;
        boolean pooled;
        boolean connected;
        boolean closed;
        Attempt current;

        Conn(Lane lane, long id) {
            this.lane = lane;
            this.id = id;
        }

        void send(Attempt attempt) {
            current = attempt;
            attempt.conn = this;
            connected = true;
            RequestSpec spec = attempt.spec;
            channel.writeAndFlush(lane.request(spec, keepAlive)).addListener(f -> {
                if (!f.isSuccess()) {
                    lane.failed(attempt, this, Errors.classify(f.cause()), Errors.describe(f.cause()));
                    channel.close();
                } else {
                    lane.observer().written(spec);
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof FullHttpResponse response && current != null) {
                    lane.responded(current, this, response);
                }
                // A response nobody asked for is dropped: the next attempt on this connection would
                // otherwise read it as its own.
                else if (msg instanceof FullHttpResponse) {
                    ctx.close();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (current != null) {
                lane.failed(current, this, Errors.classify(cause), Errors.describe(cause));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (current != null) {
                lane.failed(current, this, ErrorClass.PREMATURE_CLOSE, "connection closed before a full response");
            }
            ctx.fireChannelInactive();
        }
    }
}
