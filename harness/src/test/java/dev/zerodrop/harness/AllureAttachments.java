package dev.zerodrop.harness;

import dev.zerodrop.harness.record.RecordsJson;
import dev.zerodrop.harness.report.Reports;
import dev.zerodrop.harness.report.Summary;
import io.qameta.allure.Allure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Puts a run's evidence on the Allure test: the summary, report.json, the timeline and the failed records. */
public final class AllureAttachments {
    private AllureAttachments() {
    }

    /**
     * @param reportDir where {@link Reports#write} wrote the run's reports
     * @param name      prefix for the attachment names, e.g. "approach_1 deploy-v2"
     */
    public static void attach(RunResult r, Path reportDir, String name) {
        Allure.addAttachment(name + ": verdict", "text/plain", Summary.render(r.info(), r.verdict()), ".txt");
        attachFile(name + ": report.json", "application/json", reportDir.resolve(Reports.REPORT_JSON), ".json");
        attachFile(name + ": timeline", "image/png", reportDir.resolve(Reports.TIMELINE_PNG), ".png");
        // The verdict keeps the first failed records (bounded), whether or not the run kept them all.
        String failed = r.verdict().failedRecords().stream().map(RecordsJson::toJson).collect(Collectors.joining("\n"));
        Allure.addAttachment(name + ": failed records", "application/x-ndjson",
                failed.isEmpty() ? "(none)" : failed + "\n", ".jsonl");
    }

    private static void attachFile(String title, String type, Path file, String extension) {
        if (!Files.exists(file)) {
            Allure.addAttachment(title, "text/plain", "(missing: " + file + ")", ".txt");
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            Allure.addAttachment(title, type, in, extension);
        } catch (IOException e) {
            Allure.addAttachment(title, "text/plain", "(unreadable: " + e + ")", ".txt");
        }
    }
}
