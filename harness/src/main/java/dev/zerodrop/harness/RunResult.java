package dev.zerodrop.harness;

import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.record.UpgradeWindow;
import dev.zerodrop.harness.report.TimelineData;
import dev.zerodrop.harness.verdict.Verdict;

import java.util.List;

/**
 * Everything a run produced. The verdict is a function of the records, the window and the generator
 * stats alone, so it can be recomputed from {@code records.jsonl} and {@code report.json}.
 *
 * @param keptRecords every record ordered by intended time, when the plan kept them in memory; else null
 */
public record RunResult(RunInfo info, Verdict verdict, TimelineData timeline, List<Record> keptRecords) {

    public RunResult {
        keptRecords = keptRecords == null ? null : List.copyOf(keptRecords);
    }

    /** Every record; only when the plan kept them in memory (tests, the lab's ITs). */
    public List<Record> records() {
        if (keptRecords == null) {
            throw new IllegalStateException("this run did not keep its records in memory (RecordsOutput.keep): "
                    + "read them from records.jsonl");
        }
        return keptRecords;
    }

    public UpgradeWindow window() {
        return info.window();
    }

    public GeneratorStats generator() {
        return info.generator();
    }

    public double startedAtMillis() {
        return info.startedAtMillis();
    }

    public double endedAtMillis() {
        return info.endedAtMillis();
    }
}
