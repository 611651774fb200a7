package dev.zerodrop.harness.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zerodrop.harness.record.RecordsJson;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.report.JUnitXml;
import dev.zerodrop.harness.report.Reports;
import dev.zerodrop.harness.report.Summary;
import dev.zerodrop.harness.verdict.Settings;
import dev.zerodrop.harness.verdict.Verdict;
import dev.zerodrop.harness.verdict.VerdictAccumulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Judges a finished run again from its files: the verdict is a pure function of them. */
@Command(name = "report", mixinStandardHelpOptions = true,
        header = "Re-judges a finished run from its files.",
        description = {"Recomputes the verdict of a finished run from its records.jsonl (or .gz) and report.json and "
                + "prints the summary. Sends no traffic. When the run kept only some records (--records failed|none), "
                + "the verdict stored in report.json is shown instead, and said so. Exit code as for a run."})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A run's output directory.")
    Path dir;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write the verdict as JUnit XML.")
    Path junit;

    @Override
    public Integer call() throws IOException {
        Path reportFile = dir.resolve(Reports.REPORT_JSON);
        if (!Files.isRegularFile(reportFile)) {
            throw new IllegalArgumentException("no " + Reports.REPORT_JSON + " in " + dir + ": not a run's output directory");
        }
        JsonNode report;
        try {
            report = RecordsJson.MAPPER.readTree(reportFile.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(reportFile + " is not valid JSON: " + e.getMessage());
        }
        int schema = report.path("schemaVersion").asInt(1);
        if (schema != Reports.SCHEMA_VERSION) {
            throw new IllegalArgumentException(reportFile + " has schemaVersion " + schema + "; this harness reads "
                    + Reports.SCHEMA_VERSION + " (re-run it, or use the harness that wrote it)");
        }
        RunInfo info = RecordsJson.MAPPER.treeToValue(report.get("run"), RunInfo.class);
        Path records = Reports.recordsFile(dir);
        Verdict verdict;
        String how;
        if (records != null && "all".equals(info.records())) {
            Settings settings = Settings.of(info.generator(), List.copyOf(info.targets().keySet()), info.cohorts());
            VerdictAccumulator accumulator = new VerdictAccumulator(settings, info.window());
            RecordsJson.forEach(records, accumulator::add);
            verdict = accumulator.verdict(info.window());
            how = "re-judged from " + records.getFileName();
        } else {
            verdict = RecordsJson.MAPPER.treeToValue(report.get("verdict"), Verdict.class);
            how = "the verdict stored in report.json (records kept: " + info.records() + ")";
        }
        spec.commandLine().getOut().print(Summary.render(info, verdict));
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().println("report: " + how);
        if (junit != null) {
            JUnitXml.write(info, verdict, junit);
        }
        return verdict.pass() ? 0 : 1;
    }
}
