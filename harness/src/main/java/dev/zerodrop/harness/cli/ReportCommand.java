package dev.zerodrop.harness.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zerodrop.harness.ProgressSink;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RecordsJson;
import dev.zerodrop.harness.record.UpgradeWindow;
import dev.zerodrop.harness.report.Reports;
import dev.zerodrop.harness.report.Summary;
import dev.zerodrop.harness.verdict.Settings;
import dev.zerodrop.harness.verdict.Verdict;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Judges a finished run again from its files: the verdict is a pure function of them. */
@Command(name = "report", mixinStandardHelpOptions = true,
        header = "Re-judges a finished run from its files.",
        description = {"Recomputes the verdict of a finished run from its records.jsonl and report.json and "
                + "prints the summary. Sends no traffic. Exit code as for a run."})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A run's output directory.")
    Path dir;

    @Override
    public Integer call() throws IOException {
        JsonNode report = RecordsJson.MAPPER.readTree(dir.resolve(Reports.REPORT_JSON).toFile());
        List<Record> records = RecordsJson.readJsonl(dir.resolve(Reports.RECORDS_JSONL));
        UpgradeWindow window = RecordsJson.MAPPER.treeToValue(report.get("window"), UpgradeWindow.class);
        GeneratorStats generator = RecordsJson.MAPPER.treeToValue(report.get("generator"), GeneratorStats.class);
        // The plan is only needed for the summary's target list: nothing is sent, so any address is fine.
        TrafficPlan.Builder plan = TrafficPlan.builder().allowNonLoopback(true).progress(ProgressSink.none());
        for (Iterator<Map.Entry<String, JsonNode>> it = report.path("plan").path("targets").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> target = it.next();
            plan.target(target.getKey(), URI.create(target.getValue().asText()));
        }
        Verdict verdict = Verdict.of(records, window, Settings.of(generator));
        RunResult result = new RunResult(plan.build(), records, window, generator, verdict,
                report.path("startedAtMillis").asDouble(), report.path("endedAtMillis").asDouble());
        spec.commandLine().getOut().print(Summary.render(result));
        spec.commandLine().getOut().flush();
        return verdict.pass() ? 0 : 1;
    }
}
