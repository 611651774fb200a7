package dev.zerodrop.harness.report;

import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.record.RecordsJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a run's reports. Everything here is derived from the RunResult; nothing is measured. */
public final class Reports {
    public static final String REPORT_JSON = "report.json";
    public static final String RECORDS_JSONL = "records.jsonl";
    public static final String TIMELINE_PNG = "timeline.png";
    public static final String SUMMARY_TXT = "summary.txt";

    private Reports() {
    }

    /** report.json, records.jsonl, timeline.png and summary.txt in {@code dir} (created if missing). */
    public static ReportFiles write(RunResult result, Path dir) throws IOException {
        Files.createDirectories(dir);
        ReportFiles files = new ReportFiles(dir.resolve(REPORT_JSON), dir.resolve(RECORDS_JSONL),
                dir.resolve(TIMELINE_PNG), dir.resolve(SUMMARY_TXT));
        Files.writeString(files.reportJson(), RecordsJson.toPrettyJson(reportJson(result)) + "\n", StandardCharsets.UTF_8);
        RecordsJson.writeJsonl(result.records(), files.recordsJsonl());
        Timeline.write(result, files.timelinePng());
        Files.writeString(files.summaryTxt(), Summary.render(result), StandardCharsets.UTF_8);
        return files;
    }

    /** The content of report.json: verdict, window, generator stats and plan. */
    public static Map<String, Object> reportJson(RunResult result) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("verdict", result.verdict());
        report.put("window", result.window());
        report.put("generator", result.generator());
        report.put("plan", result.plan().describe());
        report.put("startedAtMillis", result.startedAtMillis());
        report.put("endedAtMillis", result.endedAtMillis());
        return report;
    }
}
