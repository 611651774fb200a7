package dev.zerodrop.harness.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.Cohort;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One server-sent-events stream, read on its own thread with a plain socket. Each connection is a
 * segment and yields one record:
 * <ul>
 *   <li>the server sent {@code event: reconnect} (it is draining): clean, and the client resumes at
 *       once on a new connection with {@code Last-Event-ID};</li>
 *   <li>the connection ended any other way (EOF, reset, no event for the idle timeout): STREAM_CUT,
 *       and the stream is dead;</li>
 *   <li>a tick's seq is not the previous seq + 1 (the first tick after a resume included): STREAM_GAP;</li>
 *   <li>the harness closed it at the end of the run: clean.</li>
 * </ul>
 * A resume that fails (refused, 5xx...) is recorded as such and not tried again.
 */
public final class SseStream {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LINE = 64 * 1024;

    private final int index;
    private final Target target;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final TimeBase time;
    private final Consumer<Record> sink;
    private final AtomicLong segmentSeq;
    private final LongSupplier connectionIds;
    private final CountDownLatch firstTick = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Socket socket;
    private volatile String firstFailure;
    private volatile boolean alive = true;

    /**
     * @param idleTimeout a segment with no event for this long is cut (3x the tick interval)
     * @param segmentSeq  shared by all streams: numbers the STREAM records
     */
    public SseStream(int index, Target target, Duration connectTimeout, Duration idleTimeout, TimeBase time,
                     Consumer<Record> sink, AtomicLong segmentSeq, LongSupplier connectionIds) {
        this.index = index;
        this.target = target;
        this.connectTimeout = connectTimeout;
        this.idleTimeout = idleTimeout;
        this.time = time;
        this.sink = sink;
        this.segmentSeq = segmentSeq;
        this.connectionIds = connectionIds;
        this.thread = new Thread(this::run, "zerodrop-stream-" + index);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Waits for the first tick. Returns null once it arrived, else why it did not (the stream's first
     * segment failed, or the wait timed out).
     */
    public String awaitFirstTick(Duration timeout) throws InterruptedException {
        if (!firstTick.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return "no event within " + timeout.toMillis() + " ms";
        }
        return firstFailure;
    }

    /** The harness ends the stream: the open segment is recorded as clean. Bounded wait. */
    public void stop(Duration wait) throws InterruptedException {
        stopping = true;
        closeQuietly(socket);
        thread.join(Math.max(1, wait.toMillis()));
    }

    public boolean alive() {
        return alive;
    }

    public int index() {
        return index;
    }

    public Target target() {
        return target;
    }

    private void run() {
        Long resumeAfter = null;
        try {
            while (!stopping) {
                Segment segment = new Segment(resumeAfter);
                boolean resume = segment.read();
                sink.accept(segment.toRecord());
                if (!resume) {
                    break;
                }
                resumeAfter = segment.lastSeq;
            }
        } finally {
            alive = false;
            firstTick.countDown();
        }
    }

    /** One connection of the stream. */
    private final class Segment {
        final Long resumeAfter;
        final long seq = segmentSeq.getAndIncrement();
        final long startNanos = time.nanos();
        long connectionId;
        int status;
        ErrorClass error = ErrorClass.NONE;
        String message;
        String gap;
        long events;
        Long firstSeq;
        Long lastSeq;
        String version;
        String instance;

        Segment(Long resumeAfter) {
            this.resumeAfter = resumeAfter;
            this.lastSeq = resumeAfter;
        }

        /** Reads until the segment ends; true if the stream should resume on a new connection. */
        boolean read() {
            Socket s = new Socket();
            socket = s;
            try {
                if (stopping) {
                    message = "closed by harness";
                    return false;
                }
                try {
                    s.connect(new InetSocketAddress(target.uri().getHost(), target.port()),
                            (int) connectTimeout.toMillis());
                } catch (SocketTimeoutException e) {
                    return fail(ErrorClass.CONNECT_TIMEOUT, "connect timed out after " + connectTimeout.toMillis() + " ms");
                } catch (IOException e) {
                    return fail(Errors.classify(e), Errors.describe(e));
                }
                connectionId = connectionIds.getAsLong();
                s.setTcpNoDelay(true);
                // Short reads let the idle check run even when the server sends comments only.
                s.setSoTimeout((int) Math.max(50, Math.min(250, idleTimeout.toMillis() / 4)));
                writeRequest(s.getOutputStream());
                InputStream in = new BufferedInputStream(s.getInputStream());
                Lines lines = new Lines(in);
                if (!readHead(lines)) {
                    return false;
                }
                return readEvents(lines);
            } catch (IOException e) {
                if (stopping) {
                    message = "closed by harness";
                    return false;
                }
                return cut(Errors.describe(e));
            } finally {
                closeQuietly(s);
            }
        }

        void writeRequest(OutputStream out) throws IOException {
            StringBuilder head = new StringBuilder()
                    .append("GET ").append(target.streamPath()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(target.hostHeader()).append("\r\n")
                    .append("User-Agent: zerodrop-harness\r\n")
                    .append("Accept: text/event-stream\r\n")
                    .append("Cache-Control: no-cache\r\n")
                    .append(RequestSpec.SEQ_HEADER).append(": stream-").append(seq).append("\r\n");
            if (resumeAfter != null) {
                head.append("Last-Event-ID: ").append(resumeAfter).append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** Status line and headers; switches the reader to chunked decoding when needed. */
        boolean readHead(Lines lines) throws IOException {
            long deadline = time.nanos() + idleTimeout.toNanos();
            String statusLine = headLine(lines, deadline);
            if (statusLine == null) {
                return false;
            }
            String[] parts = statusLine.split(" ", 3);
            status = parts.length >= 2 ? parseInt(parts[1]) : 0;
            boolean chunked = false;
            for (String line = headLine(lines, deadline); line != null && !line.isEmpty(); line = headLine(lines, deadline)) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (status != 200) {
                ErrorClass cls = status >= 500 ? ErrorClass.HTTP_5XX : status >= 400 ? ErrorClass.HTTP_4XX : ErrorClass.OTHER;
                fail(cls, "stream answered " + statusLine.strip());
                return false;
            }
            lines.chunked(chunked);
            return true;
        }

        /** A line of the response head, waiting through short read timeouts; null if it never came. */
        String headLine(Lines lines, long deadline) throws IOException {
            while (true) {
                try {
                    return lines.next();
                } catch (SocketTimeoutException e) {
                    if (stopping) {
                        message = "closed by harness";
                        return null;
                    }
                    if (time.nanos() > deadline) {
                        fail(ErrorClass.TIMEOUT, "no response head within " + idleTimeout.toMillis() + " ms");
                        return null;
                    }
                }
            }
        }

        boolean readEvents(Lines lines) throws IOException {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            long lastEventNanos = time.nanos();
            while (true) {
                String line;
                try {
                    line = lines.next();
                } catch (SocketTimeoutException e) {
                    if (stopping) {
                        message = "closed by harness";
                        return false;
                    }
                    long idle = time.nanos() - lastEventNanos;
                    if (idle > idleTimeout.toNanos()) {
                        return cut("no event for " + TimeUnit.NANOSECONDS.toMillis(idle) + " ms");
                    }
                    continue;
                } catch (EOFException e) {
                    if (stopping) {
                        message = "closed by harness";
                        return false;
                    }
                    return cut("connection closed after " + events + " events without reconnect");
                }
                if (line.startsWith(":")) {
                    continue;
                }
                if (!line.isEmpty()) {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" -> data.append(data.length() > 0 ? "\n" : "").append(value);
                        default -> { }
                    }
                    continue;
                }
                if (event == null && data.length() == 0 && id == null) {
                    continue;
                }
                lastEventNanos = time.nanos();
                String type = event == null ? "message" : event;
                if (type.equals("reconnect")) {
                    message = "reconnect after " + events + " events";
                    return true;
                }
                if (type.equals("tick")) {
                    tick(data.toString(), id);
                }
                id = null;
                event = null;
                data.setLength(0);
            }
        }

        void tick(String data, String id) {
            Long seqOfTick = null;
            try {
                JsonNode node = JSON.readTree(data);
                if (node.hasNonNull("seq")) {
                    seqOfTick = node.get("seq").asLong();
                }
                if (node.hasNonNull("version")) {
                    version = node.get("version").asText();
                }
                if (node.hasNonNull("instance")) {
                    instance = node.get("instance").asText();
                }
            } catch (IOException e) {
                // not JSON: fall back to the id line below
            }
            if (seqOfTick == null && id != null) {
                seqOfTick = parseLong(id);
            }
            events++;
            if (seqOfTick != null) {
                if (lastSeq != null && seqOfTick != lastSeq + 1 && gap == null) {
                    gap = (events == 1 && resumeAfter != null ? "resumed after " : "after ") + lastSeq
                            + " the next event was " + seqOfTick;
                }
                if (firstSeq == null) {
                    firstSeq = seqOfTick;
                }
                lastSeq = seqOfTick;
            }
            firstTick.countDown();
        }

        boolean cut(String why) {
            return fail(ErrorClass.STREAM_CUT, why);
        }

        boolean fail(ErrorClass cls, String why) {
            error = cls;
            message = why;
            if (firstTick.getCount() > 0) {
                firstFailure = cls.label() + ": " + why;
            }
            return false;
        }

        Record toRecord() {
            long end = time.nanos();
            ErrorClass cls = error;
            String text = message;
            if (gap != null) {
                cls = ErrorClass.STREAM_GAP;
                text = gap + (message == null ? "" : "; then " + message);
            }
            double start = time.epochMillis(startNanos);
            return new Record(seq, target.name(), Cohort.STREAM, Channel.NEW, false, "GET", start, start,
                    time.epochMillis(end), (end - startNanos) / 1000, status, cls, text, version, instance,
                    connectionId, index, events, firstSeq, firstSeq != null ? lastSeq : null);
        }
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    /**
     * Reads CRLF- or LF-terminated lines, optionally through HTTP/1.1 chunked framing. A read timeout
     * surfaces as SocketTimeoutException without losing buffered bytes, so reading can go on.
     */
    static final class Lines {
        private final InputStream in;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private boolean chunked;
        private long chunkLeft;
        private boolean chunkHeaderPending;
        private final StringBuilder chunkSize = new StringBuilder();

        Lines(InputStream in) {
            this.in = in;
        }

        void chunked(boolean value) {
            chunked = value;
            chunkHeaderPending = value;
        }

        String next() throws IOException {
            while (true) {
                int b = readByte();
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    line.reset();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                if (line.size() >= MAX_LINE) {
                    throw new IOException("line longer than " + MAX_LINE + " bytes");
                }
                line.write(b);
            }
        }

        private int readByte() throws IOException {
            if (!chunked) {
                return raw();
            }
            while (chunkLeft == 0) {
                readChunkHeader();
            }
            int b = raw();
            chunkLeft--;
            if (chunkLeft == 0) {
                chunkHeaderPending = true;
            }
            return b;
        }

        /** Between chunks: the CRLF that ends the previous chunk, then the size line. */
        private void readChunkHeader() throws IOException {
            StringBuilder size = chunkSize; // a field: a read timeout mid-line must not lose what was read
            while (true) {
                int b = raw();
                if (b == '\n') {
                    String text = size.toString().trim();
                    size.setLength(0);
                    if (text.isEmpty() && chunkHeaderPending) {
                        continue; // the CRLF after the previous chunk's data
                    }
                    int semicolon = text.indexOf(';');
                    long n = Long.parseLong(semicolon < 0 ? text : text.substring(0, semicolon), 16);
                    if (n == 0) {
                        throw new EOFException("last chunk");
                    }
                    chunkLeft = n;
                    chunkHeaderPending = false;
                    return;
                }
                if (b != '\r') {
                    size.append((char) b);
                }
            }
        }

        private int raw() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("end of stream");
            }
            return b;
        }
    }
}
