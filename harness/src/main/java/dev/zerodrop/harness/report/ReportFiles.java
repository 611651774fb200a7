package dev.zerodrop.harness.report;

import java.nio.file.Path;
import java.util.List;

/** Where {@link Reports#write} put each report. */
public record ReportFiles(Path reportJson, Path recordsJsonl, Path timelinePng, Path summaryTxt) {
    public List<Path> all() {
        return List.of(reportJson, recordsJsonl, timelinePng, summaryTxt);
    }
}
