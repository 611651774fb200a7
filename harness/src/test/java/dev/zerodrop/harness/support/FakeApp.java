package dev.zerodrop.harness.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A well-behaved app per CONVENTIONS.md, in process: {@code GET|POST /} greets with its version,
 * {@code ?sleep=ms} answers late, {@code /stream} ticks SSE events and honours Last-Event-ID.
 * {@link #upgrade} switches the version the way a good deploy does: requests already running finish
 * on the old version, open streams get {@code event: reconnect} and are closed.
 */
public final class FakeApp implements AutoCloseable {
    private static final Pattern SLEEP = Pattern.compile("sleep=(\\d+)");

    private final String app;
    private final long tickMillis;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-app");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong seq = new AtomicLong();
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private volatile String version;
    private volatile boolean closed;

    public FakeApp(String app, String version, long tickMillis) throws IOException {
        this.app = app;
        this.version = version;
        this.tickMillis = tickMillis;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + app + "/");
    }

    /**
     * New requests get {@code newVersion}; streams serving an older version are told to reconnect,
     * as the real apps do when their old process drains. A stream that already resumed on the new
     * version is left alone: telling it to reconnect would be a deploy the real apps never make.
     */
    public void upgrade(String newVersion) {
        version = newVersion;
        streams.stream().filter(s -> !s.servedBy.equals(newVersion)).forEach(Stream::reconnect);
    }

    @Override
    public void close() {
        closed = true;
        streams.forEach(Stream::reconnect);
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String servedBy = version;
        String path = exchange.getRequestURI().getPath();
        exchange.getRequestBody().readAllBytes();
        if (path.endsWith("/stream")) {
            stream(exchange, servedBy);
            return;
        }
        Matcher sleep = SLEEP.matcher(String.valueOf(exchange.getRequestURI().getQuery()));
        if (sleep.find()) {
            try {
                Thread.sleep(Long.parseLong(sleep.group(1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = ("Hi! from " + app + " " + servedBy + " (" + app + "-1)").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("X-App-Version", servedBy);
        exchange.getResponseHeaders().set("X-App-Instance", app + "-1");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void stream(HttpExchange exchange, String servedBy) throws IOException {
        String lastEventId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
        long next = lastEventId != null ? Long.parseLong(lastEventId.trim()) + 1 : seq.incrementAndGet() * 1000;
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0); // chunked
        Stream stream = new Stream(exchange.getResponseBody(), servedBy);
        streams.add(stream);
        // An upgrade between reading the version and joining the set missed this stream: catch up.
        if (!servedBy.equals(version) || closed) {
            stream.reconnect();
        }
        try {
            while (!closed && !stream.reconnect) {
                stream.send("id: " + next + "\nevent: tick\ndata: {\"app\":\"" + app + "\",\"version\":\"" + servedBy
                        + "\",\"instance\":\"" + app + "-1\",\"seq\":" + next + "}\n\n");
                next++;
                synchronized (stream) {
                    stream.wait(tickMillis);
                }
            }
            stream.send("event: reconnect\ndata: {\"lastSeq\":" + (next - 1) + "}\n\n");
        } catch (IOException | InterruptedException e) {
            // the client went away
        } finally {
            streams.remove(stream);
            exchange.close();
        }
    }

    private static final class Stream {
        final OutputStream out;
        final String servedBy;
        volatile boolean reconnect;

        Stream(OutputStream out, String servedBy) {
            this.out = out;
            this.servedBy = servedBy;
        }

        void send(String event) throws IOException {
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void reconnect() {
            reconnect = true;
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** For tests that need to wait on the app's own clock. */
    public static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
