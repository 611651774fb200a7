package dev.zerodrop.harness.record;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Records are handed to the writer's own thread (no file I/O on an event loop): whatever several
 * threads hand over — more than the queue holds — is on disk, once each, when close() returns.
 */
class RecordsWriterTest {
    @TempDir
    Path dir;

    private static void writeFrom(RecordsWriter writer, int threads, int each) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = (long) t * each;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++) {
                    writer.write(Record.builder().seq(base + i).status(200).at(i, 1).build());
                }
            });
            thread.start();
            all.add(thread);
        }
        start.countDown();
        for (Thread thread : all) {
            thread.join();
        }
    }

    @Test
    void everyRecordHandedOverIsWrittenOnceByClose() throws Exception {
        Path file = dir.resolve("records.jsonl");
        int threads = 3;
        int each = RecordsWriter.QUEUE; // together three times what the queue holds
        RecordsWriter writer = new RecordsWriter(file);
        writeFrom(writer, threads, each);
        writer.close();

        assertThat(writer.written()).isEqualTo((long) threads * each);
        List<Record> read = RecordsJson.readJsonl(file);
        assertThat(read).hasSize(threads * each);
        assertThat(read.stream().mapToLong(Record::seq).distinct().count()).isEqualTo((long) threads * each);
    }

    @Test
    void gzipIsCompleteOnClose() throws Exception {
        Path file = dir.resolve("records.jsonl.gz");
        RecordsWriter writer = new RecordsWriter(file);
        writeFrom(writer, 2, 5_000);
        writer.close();
        writer.close(); // idempotent

        assertThat(RecordsJson.readJsonl(file)).hasSize(10_000);
    }

    @Test
    void aFolderThatCannotBeWrittenIsACleanError() throws Exception {
        Path notADir = dir.resolve("file");
        java.nio.file.Files.writeString(notADir, "x");
        assertThatThrownBy(() -> new RecordsWriter(notADir.resolve("records.jsonl")))
                .hasMessageContaining("cannot write records to");
    }
}
