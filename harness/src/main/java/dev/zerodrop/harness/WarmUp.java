package dev.zerodrop.harness;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.traffic.Connector;
import dev.zerodrop.harness.traffic.HttpEngine;
import dev.zerodrop.harness.traffic.RequestSpec;
import dev.zerodrop.harness.traffic.RequestTemplate;
import dev.zerodrop.harness.traffic.Target;
import dev.zerodrop.harness.traffic.TimeBase;
import dev.zerodrop.harness.traffic.Tls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cold JVM spends the first few hundred milliseconds loading and compiling Netty's classes, which
 * would show up as late dispatches at the start of every run. So, once per JVM, the engine's own
 * code path runs a few hundred requests against a throwaway server on loopback. The target never
 * sees them, and they leave no record.
 */
public final class WarmUp {
    private static final AtomicBoolean DONE = new AtomicBoolean();
    private static final int REQUESTS = 600;

    private WarmUp() {
    }

    public static void once() {
        if (!DONE.compareAndSet(false, true)) {
            return;
        }
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("zerodrop-warmup", true));
        try {
            io.netty.channel.Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16), new Hello());
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            URI uri = URI.create("http://127.0.0.1:" + port + "/");
            Target target = Target.of("warm-up", uri).withRequests(Presets.labRequests(uri));
            CountDownLatch done = new CountDownLatch(REQUESTS);
            try (Connector connector = new Connector(1, Duration.ofSeconds(1), Tls.defaults(), List.of(target), TimeBase.start());
                 HttpEngine engine = new HttpEngine(List.of(target), connector, 8, Presets.labRules(),
                         r -> done.countDown(), (spec, lag) -> { })) {
                // Bounded in count and time: on a busy machine a shorter warm-up is fine.
                long now = System.nanoTime();
                long deadline = now + TimeUnit.MILLISECONDS.toNanos(1500);
                int sent = 0;
                for (int i = 0; i < REQUESTS && System.nanoTime() < deadline; i++) {
                    long k = i;
                    sent++;
                    RequestTemplate request = target.requests().get((int) ((k / 2) % 2));
                    engine.send(new RequestSpec("warm-up", k, 0, k % 2 == 0 ? Channel.NEW : Channel.REUSED, request,
                            now, TimeUnit.SECONDS.toNanos(2)));
                    if (i % 50 == 49) {
                        awaitAtMost(done, REQUESTS - i - 1, deadline);
                    }
                }
                awaitAtMost(done, REQUESTS - sent, deadline);
            }
            server.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Warm-up is an optimisation; a run without it is only slower to start.
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    private static void awaitAtMost(CountDownLatch latch, long count, long deadline) throws InterruptedException {
        while (latch.getCount() > count && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("Hi! from warm-up v0 (w)", StandardCharsets.UTF_8));
            HttpUtil.setContentLength(response, response.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(msg);
            HttpUtil.setKeepAlive(response, keepAlive);
            var future = ctx.writeAndFlush(response);
            if (!keepAlive) {
                future.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
