package dev.zerodrop.harness.support;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process WebSocket server on 127.0.0.1 (Netty's server codec) whose every connection is a
 * script: send ticks, close with a code, or drop the connection without a close frame.
 */
public final class WsServer implements AutoCloseable {

    /** One accepted WebSocket. */
    public static final class Conn {
        private final Channel channel;
        private final Long last;

        Conn(Channel channel, Long last) {
            this.channel = channel;
            this.last = last;
        }

        /** The {@code ?last=} the client resumed with, or null. */
        public Long last() {
            return last;
        }

        public void tick(long seq, String version) {
            channel.writeAndFlush(new TextWebSocketFrame("{\"app\":\"ws-app\",\"version\":\"" + version
                    + "\",\"instance\":\"w1\",\"seq\":" + seq + "}"));
        }

        public void ticks(long from, long to, String version, long intervalMillis) throws InterruptedException {
            for (long seq = from; seq <= to && channel.isActive(); seq++) {
                tick(seq, version);
                Thread.sleep(intervalMillis); // the server's own tick interval
            }
        }

        public void close(int code, String reason) {
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
        }

        /** Gone without a close frame: what a killed process looks like to the client (1006). */
        public void drop() {
            // From the codec's end of the pipeline, past the protocol handler that would send a close frame.
            channel.pipeline().firstContext().close();
        }
    }

    @FunctionalInterface
    public interface Script {
        /** Serves one WebSocket; {@code index} counts connections from 1. Runs on its own thread. */
        void serve(Conn conn, int index) throws InterruptedException;
    }

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final ExecutorService scripts = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ws-server-script");
        t.setDaemon(true);
        return t;
    });
    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();

    public WsServer(Script script) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                                new WebSocketServerProtocolHandler("/ws", null, false, 1 << 16, false, true),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
                                            List<String> last = new QueryStringDecoder(done.requestUri()).parameters().get("last");
                                            Conn conn = new Conn(ctx.channel(), last == null ? null : Long.parseLong(last.get(0)));
                                            int index = connections.incrementAndGet();
                                            scripts.execute(() -> {
                                                try {
                                                    script.serve(conn, index);
                                                } catch (InterruptedException e) {
                                                    Thread.currentThread().interrupt();
                                                }
                                            });
                                        }
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + path);
    }

    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        scripts.shutdownNow();
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
