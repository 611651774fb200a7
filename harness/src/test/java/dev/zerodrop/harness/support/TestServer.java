package dev.zerodrop.harness.support;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-process HTTP server on 127.0.0.1 with pluggable answers, for tests that must be able to
 * make the harness fail. Counts every request it saw by the harness's {@code X-Request-Seq} header.
 */
public final class TestServer implements AutoCloseable {

    /** What arrived; header names lower-case. */
    public record Request(String method, String uri, String seq, long connectionId, int nthOnConnection,
                          long atNanos, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** What to answer: status, body, headers, after a delay. */
    public record Reply(int status, String body, Map<String, String> headers, long delayMillis) {

        public static Reply hello(String version) {
            return hello("test-app", version, "i1");
        }

        public static Reply hello(String app, String version, String instance) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("X-App-Version", version);
            headers.put("X-App-Instance", instance);
            return new Reply(200, "Hi! from " + app + " " + version + " (" + instance + ")", headers, 0);
        }

        public static Reply status(int status) {
            return new Reply(status, "status " + status, Map.of(), 0);
        }

        public Reply delayed(long millis) {
            return new Reply(status, body, headers, millis);
        }
    }

    @FunctionalInterface
    public interface Behaviour {
        Reply reply(Request request);
    }

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel server;
    private final Behaviour behaviour;
    private final Map<String, LongAdder> seenBySeq = new ConcurrentHashMap<>();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicInteger requests = new AtomicInteger();

    private final java.util.Set<String> serverNames = ConcurrentHashMap.newKeySet();

    private TestServer(Behaviour behaviour, io.netty.handler.ssl.SslContext tls) throws InterruptedException {
        this.behaviour = behaviour;
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            io.netty.handler.ssl.SslHandler ssl = tls.newHandler(ch.alloc());
                            // Which host name the client asked for (SNI), once the handshake is done.
                            ssl.handshakeFuture().addListener(f -> {
                                if (f.isSuccess() && ssl.engine().getSession() instanceof javax.net.ssl.ExtendedSSLSession x) {
                                    x.getRequestedServerNames().forEach(n -> serverNames.add(
                                            new String(n.getEncoded(), StandardCharsets.US_ASCII)));
                                }
                            });
                            ch.pipeline().addLast(ssl);
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                                new Handler(connections.incrementAndGet()));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public static TestServer start(Behaviour behaviour) {
        return startTls(behaviour, null);
    }

    /** The same server behind TLS (a Netty server context: certificate, and client auth if wanted). */
    public static TestServer startTls(Behaviour behaviour, io.netty.handler.ssl.SslContext tls) {
        try {
            return new TestServer(behaviour, tls);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SNI names clients sent. */
    public java.util.Set<String> serverNames() {
        return java.util.Set.copyOf(serverNames);
    }

    public URI uri(String scheme, String host, String path) {
        return URI.create(scheme + "://" + host + ":" + port() + path);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public Map<String, Long> seenBySeq() {
        Map<String, Long> copy = new LinkedHashMap<>();
        seenBySeq.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    public int requests() {
        return requests.get();
    }

    public long connections() {
        return connections.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final long connectionId;
        private int count;

        Handler(long connectionId) {
            this.connectionId = connectionId;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            String seq = msg.headers().get("X-Request-Seq", "none");
            seenBySeq.computeIfAbsent(seq, k -> new LongAdder()).increment();
            requests.incrementAndGet();
            Map<String, String> headers = new LinkedHashMap<>();
            msg.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
            Reply reply = behaviour.reply(new Request(msg.method().name(), msg.uri(), seq, connectionId, ++count,
                    System.nanoTime(), headers, msg.content().toString(StandardCharsets.UTF_8)));
            boolean keepAlive = HttpUtil.isKeepAlive(msg);
            Runnable write = () -> {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(reply.status()),
                        Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8));
                reply.headers().forEach((k, v) -> response.headers().set(k, v));
                HttpUtil.setContentLength(response, response.content().readableBytes());
                if (!keepAlive) {
                    response.headers().set(HttpHeaderNames.CONNECTION, "close");
                }
                var future = ctx.writeAndFlush(response);
                if (!keepAlive) {
                    future.addListener(ChannelFutureListener.CLOSE);
                }
            };
            if (reply.delayMillis() > 0) {
                ctx.executor().schedule(write, reply.delayMillis(), TimeUnit.MILLISECONDS);
            } else {
                write.run();
            }
        }
    }
}
