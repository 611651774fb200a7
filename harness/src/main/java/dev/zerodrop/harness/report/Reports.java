package dev.zerodrop.harness.report;

import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RecordsJson;
import dev.zerodrop.harness.record.RecordsWriter;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.verdict.Verdict;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a run's reports. Everything here is derived from the run's metadata, verdict and timeline;
 * nothing is measured. report.json's fields are documented in harness/docs/report-json.md; a change
 * that is not backwards compatible bumps {@link #SCHEMA_VERSION}.
 */
public final class Reports {
    public static final int SCHEMA_VERSION = 2;
    public static final String REPORT_JSON = "report.json";
    public static final String RECORDS_JSONL = "records.jsonl";
    public static final String TIMELINE_PNG = "timeline.png";
    public static final String SUMMARY_TXT = "summary.txt";

    private Reports() {
    }

    /**
     * report.json, timeline.png and summary.txt in {@code dir} (created if missing), records.jsonl when
     * the records were kept in memory and not already streamed there, and JUnit XML when {@code junit}
     * is not null.
     */
    public static ReportFiles write(RunResult result, Path dir, Path junit) throws IOException {
        Files.createDirectories(dir);
        ReportFiles files = new ReportFiles(dir.resolve(REPORT_JSON), recordsFile(dir), dir.resolve(TIMELINE_PNG),
                dir.resolve(SUMMARY_TXT), junit);
        Files.writeString(files.reportJson(), RecordsJson.toPrettyJson(reportJson(result.info(), result.verdict(),
                result.timeline())) + "\n", StandardCharsets.UTF_8);
        if (result.keptRecords() != null) {
            // Kept in memory (tests, the lab's ITs): this run's records replace any a folder re-used
            // for the same scenario still holds. Streamed ones (the CLI) are already in the folder.
            removeRecords(dir);
            try (RecordsWriter writer = new RecordsWriter(dir.resolve(RECORDS_JSONL))) {
                for (Record r : result.keptRecords()) {
                    writer.write(r);
                }
            }
            files = files.withRecords(dir.resolve(RECORDS_JSONL));
        }
        Timeline.write(result.info(), result.verdict(), result.timeline(), files.timelinePng());
        Files.writeString(files.summaryTxt(), Summary.render(result.info(), result.verdict()), StandardCharsets.UTF_8);
        if (junit != null) {
            JUnitXml.write(result.info(), result.verdict(), junit);
        }
        return files;
    }

    public static ReportFiles write(RunResult result, Path dir) throws IOException {
        return write(result, dir, null);
    }

    /** Deletes records files an earlier run left in {@code dir} (before a new run writes there). */
    public static void removeRecords(Path dir) throws IOException {
        for (String name : new String[] {RECORDS_JSONL, RECORDS_JSONL + ".gz"}) {
            Files.deleteIfExists(dir.resolve(name));
        }
    }

    /** records.jsonl or records.jsonl.gz already in {@code dir}, else null. */
    public static Path recordsFile(Path dir) {
        for (String name : new String[] {RECORDS_JSONL, RECORDS_JSONL + ".gz"}) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        return null;
    }

    /** The content of report.json. */
    public static Map<String, Object> reportJson(RunInfo info, Verdict verdict, TimelineData timeline) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("schemaVersion", SCHEMA_VERSION);
        report.put("harness", info.harness());
        report.put("verdict", verdict);
        report.put("run", info);
        report.put("timeline", timeline);
        return report;
    }
}
