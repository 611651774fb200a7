package dev.zerodrop.harness;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.UpgradeWindow;
import dev.zerodrop.harness.report.TimelineAccumulator;
import dev.zerodrop.harness.verdict.Settings;
import dev.zerodrop.harness.verdict.Verdict;
import dev.zerodrop.harness.verdict.VerdictAccumulator;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flat memory: five million records through the real collector (verdict, timeline, counters; records
 * not written, as with --records none) leave the heap where it was. Kept, they would need well over
 * a gigabyte — so the bound below can only hold if nothing grows with the run.
 */
class CollectorMemoryTest {
    private static final int RECORDS = 5_000_000;
    private static final double RATE = 5_000;

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void fiveMillionRecordsKeepTheHeapFlat() {
        Settings settings = Settings.of(null, List.of("go-app", "node-app"), List.of("steady"));
        VerdictAccumulator verdict = new VerdictAccumulator(settings);
        RunCollector collector = new RunCollector(verdict, new RecordsOutput(RecordsOutput.Mode.NONE, null, false));
        TimelineAccumulator timeline = new TimelineAccumulator(0, 20);
        collector.timeline(timeline);
        double start = 100_000;
        double end = 200_000;
        verdict.window(start, end);

        long before = usedHeapAfterGc();
        long peak = 0;
        for (int i = 0; i < RECORDS; i++) {
            double intended = i * 1000.0 / RATE;
            Record.Builder b = Record.builder().seq(i).target(i % 2 == 0 ? "go-app" : "node-app")
                    .channel(i % 4 < 2 ? Channel.NEW : Channel.REUSED).method(i % 8 < 4 ? "GET" : "POST")
                    .at(intended, 1 + (i % 97) / 10.0);
            if (i % 10_007 == 0) {
                b.error(ErrorClass.RESET).message("SocketException: Connection reset");
            } else {
                b.status(200).version(intended < 150_000 ? "v1" : "v2").instance("i" + (i % 4));
            }
            collector.accept(b.build());
            if (i % 1_000_000 == 999_999) {
                peak = Math.max(peak, usedHeapAfterGc() - before);
            }
        }
        Verdict v = verdict.verdict(new UpgradeWindow("deploy", start, end, 0, "", null, false));
        long growth = usedHeapAfterGc() - before;

        System.out.printf("FIGURES collector memory: %d records, heap growth %.1f MB after, %.1f MB at most during%n",
                RECORDS, growth / 1e6, peak / 1e6);
        assertThat(v.total()).isEqualTo(RECORDS);
        assertThat(v.failedRecords()).hasSize(100);
        assertThat(timeline.data().seconds().size()).as("seconds in the timeline").isEqualTo((int) (RECORDS / RATE));
        assertThat(Math.max(peak, growth)).as("heap growth in bytes over %d records", RECORDS).isLessThan(64L << 20);
    }
}
