package dev.zerodrop.harness.stream;

import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.rules.Answer;
import dev.zerodrop.harness.rules.AnswerRules;
import dev.zerodrop.harness.rules.Judgement;
import dev.zerodrop.harness.rules.StatusSet;
import dev.zerodrop.harness.rules.ValueSource;
import dev.zerodrop.harness.traffic.Connector;
import dev.zerodrop.harness.traffic.RequestSpec;
import dev.zerodrop.harness.traffic.RequestTemplate;
import dev.zerodrop.harness.traffic.Target;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One server-sent-events stream on Netty (HTTP/1.1, TLS when the target is https). Netty undoes the
 * chunked framing; {@link LineSplitter} and {@link SseParser} turn the bytes into events; the segment
 * rules are {@link SegmentedStream}'s. A segment ends cleanly when the server sends the configured
 * reconnect event (the lab's apps do when they drain) or, when none is configured, when the response
 * ends properly (a chunked terminator, not a dropped connection). A resumed segment sends
 * {@code Last-Event-ID} only when the server gave ids.
 */
public final class SseStream extends SegmentedStream {
    public static final ErrorClass STREAM_CUT = ErrorClass.define("stream_cut",
            "a stream segment ended without the server's clean end (EOF, reset, silence)");
    public static final ErrorClass STREAM_GAP = ErrorClass.define("stream_gap",
            "a stream skipped events: an id was not the previous id + 1");
    private static final int MAX_LINE = 64 * 1024;
    private static final StatusSet OK = StatusSet.parse("200");

    /**
     * @param path           the stream's path and query
     * @param reconnectEvent the event type that means "resume elsewhere", or null (a complete response is the clean end)
     * @param rules          judge the response head; their headers are sent too
     * @param eventVersion   where an event's version and instance are read from its data
     */
    public record Options(String path, String reconnectEvent, AnswerRules rules, List<RequestTemplate.Header> headers,
                          List<ValueSource> eventVersion, List<ValueSource> eventInstance) {
    }

    private final Options options;

    public SseStream(int index, Target target, Connector connector, Settings settings, Options options,
                     Consumer<Record> sink, AtomicLong segmentSeq) {
        super(index, target, connector, settings, sink, segmentSeq);
        this.options = options;
    }

    @Override
    protected void connect(Seg seg) {
        ChannelFuture future = connector.connect(target, loop, pipeline -> pipeline.addLast(
                dev.zerodrop.harness.traffic.Http.codec(), new Handler(seg)));
        future.addListener(f -> {
            if (!f.isSuccess()) {
                failed(seg, f.cause());
            } else if (seg.ended()) {
                future.channel().close();
            } else {
                seg.channel(future.channel());
                future.channel().writeAndFlush(request(seg)).addListener(w -> {
                    if (!w.isSuccess()) {
                        failed(seg, w.cause());
                    }
                });
            }
        });
    }

    private FullHttpRequest request(Seg seg) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, options.path());
        request.headers()
                .set(HttpHeaderNames.HOST, target.hostHeader())
                .set(HttpHeaderNames.USER_AGENT, "zerodrop-harness")
                .set(HttpHeaderNames.ACCEPT, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(RequestSpec.SEQ_HEADER, settings.cohort() + "-" + seg.seq());
        for (RequestTemplate.Header h : options.headers()) {
            request.headers().set(h.name(), h.value());
        }
        if (seg.resumed && lastId != null) {
            request.headers().set("Last-Event-ID", lastId);
        }
        return request;
    }

    /** One segment's connection: head, then content until the segment ends. */
    private final class Handler extends SimpleChannelInboundHandler<HttpObject> {
        private final Seg seg;
        private final LineSplitter lines = new LineSplitter(MAX_LINE);
        private final SseParser parser = new SseParser();
        private boolean streaming;
        private boolean cleanEnd;
        /** Chunked or with a length: its end is a real end. A body that ends with the connection is not. */
        private boolean delimited;

        Handler(Seg seg) {
            this.seg = seg;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (seg.ended()) {
                return;
            }
            if (msg instanceof HttpResponse response) {
                onHead(response);
            }
            if (streaming && msg instanceof HttpContent content) {
                ByteBuf buf = content.content();
                byte[] bytes = ByteBufUtil.getBytes(buf);
                for (String line : lines.feed(bytes)) {
                    Optional<SseEvent> event = parser.line(line);
                    if (event.isPresent() && onEvent(event.get())) {
                        return;
                    }
                }
                if (msg instanceof LastHttpContent && !seg.ended()) {
                    if (options.reconnectEvent() == null && delimited) {
                        cleanEnd = true;
                        cleanEnd(seg, "response ended after " + eventsText());
                    } else if (options.reconnectEvent() == null) {
                        cut(seg, "connection closed after " + eventsText() + " (a body ended by the connection's "
                                + "close cannot be told from a drop)");
                    } else {
                        cut(seg, "connection closed after " + eventsText() + " without " + options.reconnectEvent());
                    }
                }
            }
        }

        private void onHead(HttpResponse response) {
            Answer head = new Answer(response.status().code(), response.headers()::get, null);
            Judgement j = options.rules().judgeHead(head, OK);
            ErrorClass error = j.error();
            String message = j.message();
            String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (!error.failed() && (type == null || !type.toLowerCase(Locale.ROOT).startsWith("text/event-stream"))) {
                error = ErrorClass.WRONG_HEADER;
                message = "not an event stream: Content-Type " + type;
            }
            if (error.failed()) {
                message = "stream answered " + message;
            }
            delimited = io.netty.handler.codec.http.HttpUtil.isTransferEncodingChunked(response)
                    || io.netty.handler.codec.http.HttpUtil.isContentLengthSet(response);
            head(seg, response.status().code(), error, message, j.version(), j.instance());
            streaming = !error.failed();
        }

        /** True when the event ended the segment. */
        private boolean onEvent(SseEvent e) {
            if (e.type().equals(options.reconnectEvent())) {
                cleanEnd = true;
                cleanEnd(seg, "reconnect after " + eventsText());
                return true;
            }
            String version = ValueSource.first(options.eventVersion(), e.data());
            String instance = ValueSource.first(options.eventInstance(), e.data());
            event(seg, e.ownId() ? e.id() : null, e.ownId() ? integer(e.id()) : null, version, instance);
            return false;
        }

        private String eventsText() {
            return seg.events + " events";
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!seg.ended() && !cleanEnd) {
                if (!streaming) {
                    failed(seg, new io.netty.handler.codec.PrematureChannelClosureException(
                            "connection closed before the response head"));
                } else {
                    cut(seg, "connection closed after " + eventsText()
                            + (options.reconnectEvent() != null ? " without " + options.reconnectEvent() : ""));
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!seg.ended()) {
                broken(seg, streaming, cause);
            }
            ctx.close();
        }
    }

}
