package dev.zerodrop.harness.record;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.GZIPOutputStream;

/**
 * Appends records to records.jsonl (or records.jsonl.gz) as they arrive, so a run keeps nothing in
 * memory for its records. Thread-safe.
 *
 * <p>Serialisation and file writes happen on a thread of their own, never on the caller's (in a run:
 * an event loop): a write can block in the kernel (dirty-page throttling while the disk is busy),
 * and a blocked event loop would delay every request due on it. The hand-over queue is bounded
 * ({@value #QUEUE} records, a few MB), so a disk slower than the traffic for minutes slows the
 * callers — which the generator's lag figures then show — instead of growing memory.
 */
public final class RecordsWriter implements Closeable {
    static final int QUEUE = 1 << 15;
    private static final Object END = new Object();

    private final BufferedWriter out;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private volatile long written;
    private volatile IOException failure;
    private boolean closed;

    public RecordsWriter(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            OutputStream raw = Files.newOutputStream(file);
            if (file.getFileName().toString().endsWith(".gz")) {
                raw = new GZIPOutputStream(raw, 64 * 1024);
            }
            out = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 64 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write records to " + file, e);
        }
        thread = new Thread(this::drain, "zerodrop-records");
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands a record over; blocks only while the queue is full. */
    public void write(Record r) {
        IOException f = failure;
        if (f != null) {
            throw new UncheckedIOException("writing records failed", f);
        }
        try {
            queue.put(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing over a record", e);
        }
    }

    /** Records on disk (in the buffer) so far; exact after {@link #close}. */
    public long written() {
        return written;
    }

    private void drain() {
        List<Object> batch = new ArrayList<>(1024);
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, 1023);
                for (Object o : batch) {
                    if (o == END) {
                        return;
                    }
                    if (failure == null) {
                        out.write(RecordsJson.MAPPER.writeValueAsString(o));
                        out.write('\n');
                        written++;
                    }
                }
                batch.clear();
            }
        } catch (IOException e) {
            // Keep taking records (so no caller blocks forever); the next write() reports it.
            failure = e;
            drainAfterFailure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drainAfterFailure() {
        try {
            while (queue.take() != END) {
                // discarded: the failure is reported to the writer's users
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what was handed over, then flushes and closes the file. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            queue.put(END);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the records file", e);
        }
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("writing records failed", failure);
        }
    }
}
