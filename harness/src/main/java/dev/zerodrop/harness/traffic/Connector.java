package dev.zerodrop.harness.traffic;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The run's I/O: one set of event-loop threads, TLS, connect timeout and connection ids, shared by
 * every cohort (steady and long requests, streams, WebSockets), so a new cohort opens connections
 * exactly the way the others do. Targets' addresses are resolved once, here.
 */
public final class Connector implements AutoCloseable {
    private final EventLoopGroup group;
    private final Duration connectTimeout;
    private final Tls tls;
    private final SslContext ssl;
    private final AtomicLong connectionIds = new AtomicLong();
    private final TimeBase time;
    private final Map<String, InetSocketAddress> addresses = new ConcurrentHashMap<>();

    public Connector(int ioThreads, Duration connectTimeout, Tls tls, List<Target> targets, TimeBase time) {
        this.connectTimeout = connectTimeout;
        this.tls = tls;
        this.time = time;
        this.ssl = targets.stream().anyMatch(Target::secure) ? tls.context() : null;
        this.group = new NioEventLoopGroup(Math.max(1, ioThreads), new DefaultThreadFactory("zerodrop-io", true));
        targets.forEach(this::address);
    }

    /** Resolved once per target (a lookup on an event loop would stall every connection on it). */
    private InetSocketAddress address(Target target) {
        return addresses.computeIfAbsent(target.host() + ":" + target.port(),
                k -> new InetSocketAddress(target.host(), target.port()));
    }

    public TimeBase time() {
        return time;
    }

    public EventLoopGroup group() {
        return group;
    }

    public int ioThreads() {
        return ((io.netty.util.concurrent.MultithreadEventExecutorGroup) group).executorCount();
    }

    public EventLoop next() {
        return group.next();
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** A new id for each TCP connection the harness opens; records name the connection they used. */
    public long nextConnectionId() {
        return connectionIds.incrementAndGet();
    }

    /**
     * A bootstrap for {@code target} on {@code loop}: TCP_NODELAY, the connect timeout, TLS when the
     * target is https (SNI and host verification from its URL), then {@code pipeline} adds the rest.
     */
    public Bootstrap bootstrap(Target target, EventLoop loop, Consumer<ChannelPipeline> pipeline) {
        return new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, connectTimeout.toMillis()))
                .remoteAddress(address(target))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (target.secure()) {
                            ch.pipeline().addLast("tls", tls.handler(ssl, ch.alloc(), target));
                        }
                        pipeline.accept(ch.pipeline());
                    }
                });
    }

    /** Connects with a fresh bootstrap (streams and sockets, which connect rarely). */
    public ChannelFuture connect(Target target, EventLoop loop, Consumer<ChannelPipeline> pipeline) {
        return bootstrap(target, loop, pipeline).connect();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
