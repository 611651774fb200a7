package dev.zerodrop.harness.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A blocking-socket server on 127.0.0.1 for exact misbehaviour: each accepted connection is handed
 * to a {@link Script} with helpers to read requests and write raw bytes. Counts requests it read by
 * their {@code X-Request-Seq} header.
 */
public final class RawServer implements AutoCloseable {

    /** A parsed request head (and body, when it has a Content-Length). */
    public record Request(String method, String path, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    @FunctionalInterface
    public interface Script {
        /** Serves one connection; {@code index} counts connections from 1. */
        void serve(Conn conn, int index) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raw-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, LongAdder> seenBySeq = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();

    public RawServer(Script script) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        pool.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    int index = connections.incrementAndGet();
                    pool.execute(() -> {
                        try (Conn conn = new Conn(socket)) {
                            script.serve(conn, index);
                        } catch (IOException | InterruptedException e) {
                            // the client went away or the test ended
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public Map<String, Long> seenBySeq() {
        Map<String, Long> copy = new LinkedHashMap<>();
        seenBySeq.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    public int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One accepted connection. */
    public final class Conn implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** Reads one request (head and Content-Length body); null at EOF. Counts it. */
        public Request read() throws IOException {
            String requestLine = line();
            if (requestLine == null) {
                return null;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(); line != null && !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            in.readNBytes(length);
            String[] parts = requestLine.split(" ");
            Request request = new Request(parts[0], parts.length > 1 ? parts[1] : "/", headers);
            seenBySeq.computeIfAbsent(request.header("X-Request-Seq") == null ? "none" : request.header("X-Request-Seq"),
                    k -> new LongAdder()).increment();
            return request;
        }

        /** A complete keep-alive 200 with the app's greeting. */
        public void hello(String version) throws IOException {
            String body = "Hi! from raw-app " + version + " (r1)";
            write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-App-Version: " + version
                    + "\r\nX-App-Instance: r1\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body);
        }

        public void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Starts a chunked SSE response. */
        public void sseHead() throws IOException {
            write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
        }

        /** One SSE event as one HTTP chunk. */
        public void sseEvent(String id, String event, String data) throws IOException {
            String payload = (id != null ? "id: " + id + "\n" : "") + "event: " + event + "\ndata: " + data + "\n\n";
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            write(Integer.toHexString(bytes.length) + "\r\n" + payload + "\r\n");
        }

        public void tick(long seq, String version) throws IOException {
            sseEvent(Long.toString(seq), "tick",
                    "{\"app\":\"raw-app\",\"version\":\"" + version + "\",\"instance\":\"r1\",\"seq\":" + seq + "}");
        }

        /** Close with RST instead of FIN: what a killed process looks like to the client. */
        public void reset() throws IOException {
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // already gone
            }
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        private String line() throws IOException {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            for (int b = in.read(); ; b = in.read()) {
                if (b < 0) {
                    return buffer.size() == 0 ? null : buffer.toString(StandardCharsets.UTF_8);
                }
                if (b == '\n') {
                    String s = buffer.toString(StandardCharsets.UTF_8);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                buffer.write(b);
            }
        }
    }
}
