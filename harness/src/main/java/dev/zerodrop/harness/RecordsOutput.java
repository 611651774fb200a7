package dev.zerodrop.harness;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a run's records go, and which. Records are written as they arrive (nothing is kept for the
 * end unless asked), so a one-hour soak needs no more memory than a one-minute run.
 *
 * @param mode   which records are written: all, failed only, none (the verdict is built either way)
 * @param file   records.jsonl, or records.jsonl.gz for gzip; null: not written during the run
 * @param keep   also keep every record in memory (tests and the lab's ITs, which inspect them)
 */
public record RecordsOutput(Mode mode, Path file, boolean keep) {
    public enum Mode {
        ALL, FAILED, NONE;

        public static Mode parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not a records mode: use all, failed or none");
            }
        }

        public boolean writes(boolean failed) {
            return this == ALL || (this == FAILED && failed);
        }
    }

    public static RecordsOutput inMemory() {
        return new RecordsOutput(Mode.ALL, null, true);
    }

    public boolean gzip() {
        return file != null && file.getFileName().toString().endsWith(".gz");
    }
}
