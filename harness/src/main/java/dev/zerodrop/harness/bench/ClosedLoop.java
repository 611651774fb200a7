package dev.zerodrop.harness.bench;

import dev.zerodrop.harness.traffic.Http;
import dev.zerodrop.harness.traffic.Target;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.HdrHistogram.Histogram;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop maximum throughput, like wrk: N keep-alive connections, each sending its next GET as
 * soon as the previous answer arrives. Only for measuring the harness itself: closed loops hide
 * stalls (coordinated omission), which is why runs use the open-model schedule instead.
 */
public final class ClosedLoop {

    /** Latency here is from send to answer (there is no intended time in a closed loop). */
    public record Result(int connections, double seconds, long requests, long errors, Histogram latencyMicros) {
        public double requestsPerSecond() {
            return requests / seconds;
        }
    }

    private ClosedLoop() {
    }

    public static Result run(Target target, int connections, Duration duration, int ioThreads) {
        EventLoopGroup group = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory("zerodrop-bench", true));
        List<Worker> workers = new ArrayList<>();
        try {
            InetSocketAddress address = new InetSocketAddress(target.host(), target.port());
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            Worker worker = new Worker(target);
                            synchronized (workers) {
                                workers.add(worker);
                            }
                            ch.pipeline().addLast(Http.codec(), new HttpObjectAggregator(1 << 20), worker);
                        }
                    });
            List<Channel> channels = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                channels.add(bootstrap.connect(address).syncUninterruptibly().channel());
            }
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            synchronized (workers) {
                workers.forEach(w -> w.start(end));
            }
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            // Let answers to the last requests arrive; none are sent after the end.
            Thread.sleep(200);
            double seconds = (end - start) / 1e9;
            Histogram histogram = new Histogram(3);
            long requests = 0;
            long errors = 0;
            synchronized (workers) {
                for (Worker w : workers) {
                    synchronized (w) {
                        histogram.add(w.histogram);
                        requests += w.requests;
                        errors += w.errors;
                    }
                }
            }
            channels.forEach(Channel::close);
            return new Result(connections, seconds, requests, errors, histogram);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static final class Worker extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Target target;
        private final Histogram histogram = new Histogram(3);
        private ChannelHandlerContext ctx;
        private long end;
        private long sentAt;
        private long requests;
        private long errors;

        Worker(Target target) {
            this.target = target;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void start(long endNanos) {
            ctx.executor().execute(() -> {
                end = endNanos;
                send();
            });
        }

        private void send() {
            sentAt = System.nanoTime();
            if (sentAt >= end) {
                return;
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                    target.pathAndQuery(), Unpooled.EMPTY_BUFFER, Http.HEADERS, Http.TRAILERS);
            request.headers().set(HttpHeaderNames.HOST, target.hostHeader())
                    .set(HttpHeaderNames.USER_AGENT, "zerodrop-harness-bench");
            ctx.writeAndFlush(request);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
            synchronized (this) {
                requests++;
                if (msg.status().code() != 200) {
                    errors++;
                }
                histogram.recordValue(Math.max(1, (System.nanoTime() - sentAt) / 1000));
            }
            send();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            synchronized (this) {
                errors++;
            }
            ctx.close();
        }
    }
}
