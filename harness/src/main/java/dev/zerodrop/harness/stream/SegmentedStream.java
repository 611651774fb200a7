package dev.zerodrop.harness.stream;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.Segment;
import dev.zerodrop.harness.traffic.Connector;
import dev.zerodrop.harness.traffic.Errors;
import dev.zerodrop.harness.traffic.Target;
import dev.zerodrop.harness.traffic.TimeBase;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A long-lived stream of events (SSE, WebSocket) that the server may ask the client to resume on a
 * new connection. Each connection is a segment and yields exactly one record:
 * <ul>
 *   <li>the server ended it cleanly (the transport says how: SSE's reconnect event or a complete
 *       response, a WebSocket close frame 1001/1012): clean, and the stream resumes at once on a new
 *       connection, telling the server the last event it got;</li>
 *   <li>it ended any other way (EOF, reset, no event for the idle timeout): the cohort's cut class,
 *       and the stream is dead — never reconnected, which would hide the drop;</li>
 *   <li>with integer event ids and the consecutive rule, an id that is not the previous id + 1 (the
 *       first one after a resume included): the cohort's gap class;</li>
 *   <li>a resume that fails (refused, 5xx, TLS) is recorded as such and not tried again;</li>
 *   <li>the harness closed it at the end of the run: clean.</li>
 * </ul>
 * All segment state lives on one event-loop thread; the transport calls back on it.
 */
public abstract class SegmentedStream {
    /** How event ids are judged for gaps. */
    public enum IdRule {
        /** Integer ids must go up by exactly one (the lab's apps; EventSource servers with sequence ids). */
        CONSECUTIVE,
        /** No gap rule (ids that are not a sequence). */
        NONE
    }

    /**
     * @param cohort      the records' cohort name
     * @param cut         class of a segment that ended without the server's clean end
     * @param gap         class of a segment whose ids skipped
     * @param idleTimeout a segment with no event for this long is cut
     */
    public record Settings(String cohort, ErrorClass cut, ErrorClass gap, Duration idleTimeout, IdRule ids) {
    }

    protected final int index;
    protected final Target target;
    protected final Connector connector;
    protected final EventLoop loop;
    protected final Settings settings;
    private final TimeBase time;
    private final Consumer<Record> sink;
    private final AtomicLong segmentSeq;
    private final CountDownLatch firstEvent = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile String firstFailure;
    private volatile boolean alive = true;
    private volatile boolean stopping;
    private volatile long eventsSeen;
    /** How often a segment's silence is checked: a quarter of the idle timeout, 20 to 250 ms. */
    private final long checkPeriodNanos;

    /** Stream-level resume state: the last event id and sequence seen on any segment. */
    protected String lastId;
    protected Long lastSeq;
    private Seg current;

    protected SegmentedStream(int index, Target target, Connector connector, Settings settings, Consumer<Record> sink,
                              AtomicLong segmentSeq) {
        this.index = index;
        this.target = target;
        this.connector = connector;
        this.loop = connector.next();
        this.settings = settings;
        this.time = connector.time();
        this.sink = sink;
        this.segmentSeq = segmentSeq;
        this.checkPeriodNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(20, Math.min(250, settings.idleTimeout().toMillis() / 4)));
    }

    public void start() {
        loop.execute(() -> open(false));
    }

    /** Waits for the first event: null once it arrived, else why it did not. */
    public String awaitFirstEvent(Duration timeout) throws InterruptedException {
        if (!firstEvent.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return "no event within " + timeout.toMillis() + " ms";
        }
        return firstFailure;
    }

    /** The harness ends the stream: the open segment is recorded as clean. Bounded wait. */
    public void stop(Duration wait) throws InterruptedException {
        stopping = true;
        if (!loop.isShuttingDown()) {
            loop.execute(() -> {
                if (current != null && !current.ended) {
                    end(current, ErrorClass.NONE, "closed by harness", false);
                }
            });
        }
        ended.await(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
    }

    public boolean alive() {
        return alive;
    }

    /** Events received on all segments so far. */
    public long eventsSeen() {
        return eventsSeen;
    }

    public int index() {
        return index;
    }

    public Target target() {
        return target;
    }

    /** Opens a segment's connection and sends its request; resumes from {@code lastId}/{@code lastSeq} if {@code resumed}. */
    protected abstract void connect(Seg seg);

    /** One connection of the stream. Touched on the loop thread only. */
    protected final class Seg {
        final long seq = segmentSeq.getAndIncrement();
        final long startNanos = time.nanos();
        public final boolean resumed;
        long connectionId;
        int status;
        boolean headSeen;
        boolean ended;
        long events;
        Long firstSeq;
        Long lastSeqSeen;
        String gap;
        String version;
        String instance;
        long lastEventNanos = startNanos;
        long lastCheckNanos = startNanos;
        io.netty.channel.Channel channel;
        ScheduledFuture<?> idleCheck;

        Seg(boolean resumed) {
            this.resumed = resumed;
        }

        public boolean ended() {
            return ended;
        }

        public long events() {
            return events;
        }

        /** The segment's number in its cohort (its record's seq). */
        public long seq() {
            return seq;
        }

        public void channel(io.netty.channel.Channel ch) {
            channel = ch;
            connectionId = connector.nextConnectionId();
        }
    }

    private void open(boolean resumed) {
        if (stopping) {
            finishStream();
            return;
        }
        Seg seg = new Seg(resumed);
        current = seg;
        seg.idleCheck = loop.scheduleAtFixedRate(() -> idle(seg), checkPeriodNanos, checkPeriodNanos, TimeUnit.NANOSECONDS);
        connect(seg);
    }

    private void idle(Seg seg) {
        if (seg.ended) {
            return;
        }
        long now = time.nanos();
        long sinceCheck = now - seg.lastCheckNanos;
        seg.lastCheckNanos = now;
        // A check that ran more than a period late means this process was stalled (a GC pause, a
        // starved host): while it was, nothing was read and a server on the same host may not have
        // run either. That time is the instrument's, not the server's silence: it is not counted,
        // and this check leaves the loop to read first.
        if (sinceCheck > 2 * checkPeriodNanos) {
            seg.lastEventNanos += sinceCheck - checkPeriodNanos;
            return;
        }
        long quiet = now - seg.lastEventNanos;
        // Before the head, the connection (and TLS, a WebSocket handshake) gets its connect time too.
        long limit = settings.idleTimeout().toNanos() + (seg.headSeen ? 0 : connector.connectTimeout().toNanos());
        if (quiet <= limit) {
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(quiet);
        if (!seg.headSeen) {
            end(seg, ErrorClass.TIMEOUT, "no response head within " + millis + " ms", false);
        } else {
            end(seg, settings.cut(), "no event for " + millis + " ms", false);
        }
    }

    /** The transport could not connect, or failed before the stream was established (a failed resume). */
    protected void failed(Seg seg, Throwable cause) {
        if (stopping) {
            end(seg, ErrorClass.NONE, "closed by harness", false);
            return;
        }
        end(seg, Errors.classify(cause), Errors.describe(cause), false);
    }

    /** An exception on a segment's connection: a failed segment before it was established, a cut after. */
    protected void broken(Seg seg, boolean established, Throwable cause) {
        if (established) {
            cut(seg, Errors.describe(cause));
        } else {
            failed(seg, cause);
        }
    }

    /** The response head was judged: a failure ends the segment (and the stream). */
    protected void head(Seg seg, int status, ErrorClass error, String message, String version, String instance) {
        seg.status = status;
        seg.headSeen = true;
        seg.lastEventNanos = time.nanos();
        seg.version = version != null ? version : seg.version;
        seg.instance = instance != null ? instance : seg.instance;
        if (error.failed()) {
            end(seg, error, message, false);
        }
    }

    /** One event; {@code seq} is its integer id, null when it has none. */
    protected void event(Seg seg, String id, Long seq, String version, String instance) {
        if (seg.ended) {
            return;
        }
        seg.lastEventNanos = time.nanos();
        seg.events++;
        eventsSeen++; // one writer: the loop thread
        if (version != null) {
            seg.version = version;
        }
        if (instance != null) {
            seg.instance = instance;
        }
        if (id != null) {
            lastId = id;
        }
        if (seq != null) {
            Long previous = seg.lastSeqSeen != null ? seg.lastSeqSeen : seg.resumed ? lastSeq : null;
            if (settings.ids() == IdRule.CONSECUTIVE && previous != null && seq != previous + 1 && seg.gap == null) {
                seg.gap = (seg.lastSeqSeen == null ? "resumed after " : "after ") + previous
                        + " the next event was " + seq;
            }
            if (seg.firstSeq == null) {
                seg.firstSeq = seq;
            }
            seg.lastSeqSeen = seq;
            lastSeq = seq;
        }
        firstEvent.countDown();
    }

    /** The server ended the segment the clean way: resume on a new connection unless the harness is stopping. */
    protected void cleanEnd(Seg seg, String message) {
        end(seg, ErrorClass.NONE, message, !stopping);
    }

    /** The segment ended any other way. */
    protected void cut(Seg seg, String message) {
        if (stopping) {
            end(seg, ErrorClass.NONE, "closed by harness", false);
        } else {
            end(seg, settings.cut(), message, false);
        }
    }

    protected boolean stopping() {
        return stopping;
    }

    /** The one place a segment's record is made; {@code ended} guarantees one record per segment. */
    protected void end(Seg seg, ErrorClass error, String message, boolean resume) {
        if (seg.ended) {
            return;
        }
        seg.ended = true;
        if (seg.idleCheck != null) {
            seg.idleCheck.cancel(false);
        }
        if (seg.channel != null) {
            seg.channel.close();
        }
        ErrorClass cls = error;
        String text = message;
        if (seg.gap != null) {
            cls = settings.gap();
            text = seg.gap + (message == null ? "" : "; then " + message);
        }
        long end = time.nanos();
        double start = time.epochMillis(seg.startNanos);
        sink.accept(new Record(seg.seq, target.name(), settings.cohort(), Channel.NEW, false, "GET", start, start,
                time.epochMillis(end), (end - seg.startNanos) / 1000, seg.status, cls, text, seg.version, seg.instance,
                seg.channel != null ? seg.connectionId : 0,
                new Segment(index, seg.events, seg.firstSeq, seg.firstSeq != null ? seg.lastSeqSeen : null)));
        if (cls.failed() && firstEvent.getCount() > 0) {
            firstFailure = cls.label() + ": " + text;
        }
        if (resume) { // a gap is recorded, and the server asked to resume: the stream goes on
            open(true);
        } else {
            finishStream();
        }
    }

    private void finishStream() {
        alive = false;
        if (firstEvent.getCount() > 0 && firstFailure == null) {
            firstFailure = "the stream ended before its first event";
        }
        firstEvent.countDown();
        ended.countDown();
    }

    /** An id as a sequence number, or null when it is not an integer. */
    protected static Long integer(String id) {
        if (id == null || id.isEmpty() || id.length() > 19) {
            return null;
        }
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
