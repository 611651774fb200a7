package dev.zerodrop.harness.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** Where {@link Reports#write} put each report; records and JUnit may be absent (null). */
public record ReportFiles(Path reportJson, Path recordsJsonl, Path timelinePng, Path summaryTxt, Path junitXml) {
    public List<Path> all() {
        return Stream.of(reportJson, recordsJsonl, timelinePng, summaryTxt, junitXml).filter(Objects::nonNull).toList();
    }

    ReportFiles withRecords(Path records) {
        return new ReportFiles(reportJson, records, timelinePng, summaryTxt, junitXml);
    }
}
