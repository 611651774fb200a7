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
import java.util.zip.GZIPOutputStream;

/**
 * Appends records to records.jsonl (or records.jsonl.gz) as they arrive, so a run keeps nothing in
 * memory for its records. Thread-safe; the buffer is flushed on close.
 */
public final class RecordsWriter implements Closeable {
    private final BufferedWriter out;
    private long written;

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
    }

    public synchronized void write(Record r) {
        try {
            out.write(RecordsJson.MAPPER.writeValueAsString(r));
            out.write('\n');
            written++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized long written() {
        return written;
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
