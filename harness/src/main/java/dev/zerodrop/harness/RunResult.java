package dev.zerodrop.harness;

import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.UpgradeWindow;
import dev.zerodrop.harness.verdict.Verdict;

import java.util.List;

/**
 * Everything a run produced. The verdict is computed from the records, the window and the generator
 * stats alone, so it can be recomputed from {@code records.jsonl} and {@code report.json}.
 *
 * @param records         one per attempt, ordered by intended time
 * @param startedAtMillis epoch ms of the first intended request
 * @param endedAtMillis   epoch ms when traffic had stopped
 */
public record RunResult(TrafficPlan plan,
                        List<Record> records,
                        UpgradeWindow window,
                        GeneratorStats generator,
                        Verdict verdict,
                        double startedAtMillis,
                        double endedAtMillis) {
}
