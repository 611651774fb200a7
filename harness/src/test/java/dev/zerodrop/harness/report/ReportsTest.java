package dev.zerodrop.harness.report;

import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RecordsJson;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.record.UpgradeWindow;
import dev.zerodrop.harness.verdict.Settings;
import dev.zerodrop.harness.verdict.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reports written into a folder an earlier run used hold this run's records, never the earlier ones. */
class ReportsTest {
    @TempDir
    Path dir;

    private static RunResult run(int records) {
        UpgradeWindow window = new UpgradeWindow("deploy", 1_000, 2_000, 0, "", null, false);
        List<Record> rs = java.util.stream.IntStream.range(0, records)
                .mapToObj(i -> Record.builder().seq(i).status(200).at(i * 10.0, 1).build()).toList();
        GeneratorStats g = GeneratorStats.of(records, records, 0, 1, 0, false);
        Verdict v = Verdict.of(rs, window, Settings.of(g));
        RunInfo info = new RunInfo(RunInfo.HARNESS, Map.of("app", "http://127.0.0.1:1/"), List.of("steady"), 100, window, g,
                0, 3_000, RunInfo.SteadySpan.EMPTY, false, "all", Map.of());
        return new RunResult(info, v, TimelineData.EMPTY, rs);
    }

    @Test
    void aReusedFolderGetsThisRunsRecords() throws Exception {
        Files.writeString(dir.resolve("records.jsonl.gz"), "stale");
        Reports.write(run(30), dir);
        Reports.write(run(7), dir);

        assertThat(RecordsJson.readJsonl(dir.resolve("records.jsonl"))).hasSize(7);
        assertThat(dir.resolve("records.jsonl.gz")).doesNotExist();
        assertThat(Reports.recordsFile(dir)).isEqualTo(dir.resolve("records.jsonl"));
    }
}
