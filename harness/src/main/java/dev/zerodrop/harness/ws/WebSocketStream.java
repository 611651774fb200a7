package dev.zerodrop.harness.ws;

import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.rules.Answer;
import dev.zerodrop.harness.rules.AnswerRules;
import dev.zerodrop.harness.rules.Judgement;
import dev.zerodrop.harness.rules.StatusSet;
import dev.zerodrop.harness.rules.ValueSource;
import dev.zerodrop.harness.stream.SegmentedStream;
import dev.zerodrop.harness.traffic.Connector;
import dev.zerodrop.harness.traffic.Http;
import dev.zerodrop.harness.traffic.RequestSpec;
import dev.zerodrop.harness.traffic.RequestTemplate;
import dev.zerodrop.harness.traffic.Target;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One WebSocket on Netty's client (framing, masking, the handshake and close frames are Netty's),
 * judged by {@link SegmentedStream}'s rules. A segment ends cleanly when the server closes it with
 * one of the clean codes (1001 going away, 1012 service restart: "reconnect, to the new version");
 * the stream then resumes on a new connection with {@code ?<resume>=<last seq>}. A connection that
 * ends without a close frame (1006: EOF, reset), with another code, or goes silent is {@code ws_cut};
 * a resumed sequence that skips is {@code ws_gap}. Each message's sequence, version and instance are
 * read from its JSON ({@code seq}, {@code version}, {@code instance} by default).
 */
public final class WebSocketStream extends SegmentedStream {
    public static final ErrorClass WS_CUT = ErrorClass.define("ws_cut",
            "a WebSocket ended without a clean close frame (1006, EOF, reset, silence, another code)");
    public static final ErrorClass WS_GAP = ErrorClass.define("ws_gap",
            "a WebSocket skipped messages: a sequence number was not the previous + 1");
    private static final StatusSet SWITCHING = StatusSet.parse("101");
    private static final int MAX_FRAME = 64 * 1024;

    /**
     * @param path       the socket's path and query
     * @param resume     the query parameter that carries the last sequence on a resume ({@code last})
     * @param cleanCodes close codes that mean "resume elsewhere"
     */
    public record Options(String path, String resume, Set<Integer> cleanCodes, AnswerRules rules,
                          List<RequestTemplate.Header> headers, ValueSource seq, List<ValueSource> version,
                          List<ValueSource> instance) {
    }

    private final Options options;

    public WebSocketStream(int index, Target target, Connector connector, Settings settings, Options options,
                           Consumer<Record> sink, AtomicLong segmentSeq) {
        super(index, target, connector, settings, sink, segmentSeq);
        this.options = options;
    }

    private URI uri(Seg seg) {
        String path = options.path();
        if (seg.resumed && lastSeq != null) {
            path += (path.contains("?") ? "&" : "?") + options.resume() + "=" + lastSeq;
        }
        try {
            return new URI((target.secure() ? "wss://" : "ws://") + target.hostHeader() + path);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a WebSocket path: " + path, e);
        }
    }

    @Override
    protected void connect(Seg seg) {
        HttpHeaders headers = new DefaultHttpHeaders()
                .set("User-Agent", "zerodrop-harness")
                .set(RequestSpec.SEQ_HEADER, settings.cohort() + "-" + seg.seq());
        options.headers().forEach(h -> headers.set(h.name(), h.value()));
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri(seg))
                .version(WebSocketVersion.V13)
                .customHeaders(headers)
                .maxFramePayloadLength(MAX_FRAME)
                // The close frames are the evidence: this handler reads them itself.
                .handleCloseFrames(false)
                .sendCloseFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
                .handshakeTimeoutMillis(settings.idleTimeout().toMillis())
                .build();
        ChannelFuture future = connector.connect(target, loop, pipeline -> pipeline.addLast(Http.codec(),
                new HttpObjectAggregator(MAX_FRAME), new WebSocketClientProtocolHandler(config), new Handler(seg)));
        future.addListener(f -> {
            if (!f.isSuccess()) {
                failed(seg, f.cause());
            } else if (seg.ended()) {
                future.channel().close();
            } else {
                seg.channel(future.channel());
            }
        });
    }

    private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final Seg seg;
        private boolean open;
        private boolean closed;

        Handler(Seg seg) {
            this.seg = seg;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                open = true;
                head(seg, 101, ErrorClass.NONE, null, null, null);
            } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                end(seg, ErrorClass.TIMEOUT, "no WebSocket handshake answer within " + settings.idleTimeout().toMillis()
                        + " ms", false);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (seg.ended()) {
                return;
            }
            if (frame instanceof TextWebSocketFrame text) {
                String data = text.text();
                String seqText = options.seq().read(name -> null, data);
                Long seq = integer(seqText);
                event(seg, seqText, seq, ValueSource.first(options.version(), data), ValueSource.first(options.instance(), data));
            } else if (frame instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (frame instanceof CloseWebSocketFrame close) {
                closed = true;
                int code = close.statusCode();
                String reason = close.reasonText();
                String text = "close " + (code < 0 ? "1005 (no code)" : code) + (reason == null || reason.isEmpty()
                        ? "" : " " + reason) + " after " + seg.events() + " messages";
                if (options.cleanCodes().contains(code)) {
                    cleanEnd(seg, text);
                } else {
                    cut(seg, text);
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!seg.ended() && !closed) {
                if (!open) {
                    failed(seg, new io.netty.handler.codec.PrematureChannelClosureException(
                            "connection closed before the WebSocket handshake"));
                } else {
                    cut(seg, "connection closed without a close frame (1006) after " + seg.events() + " messages");
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!seg.ended()) {
                if (cause instanceof WebSocketClientHandshakeException h && h.response() != null) {
                    int status = h.response().status().code();
                    Judgement j = options.rules().judgeHead(new Answer(status, h.response().headers()::get, null), SWITCHING);
                    head(seg, status, j.error().failed() ? j.error() : ErrorClass.OTHER,
                            "WebSocket upgrade answered HTTP " + status, j.version(), j.instance());
                } else {
                    broken(seg, open, cause);
                }
            }
            ctx.close();
        }
    }

}
