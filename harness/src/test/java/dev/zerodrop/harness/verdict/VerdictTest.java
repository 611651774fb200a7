package dev.zerodrop.harness.verdict;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.Segment;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RecordsJson;
import dev.zerodrop.harness.record.UpgradeWindow;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The verdict is a pure function of hand-made records: every figure here is known in advance. */
class VerdictTest {
    /** The window runs from t=10 000 to t=20 000 ms. */
    private static final UpgradeWindow WINDOW = new UpgradeWindow("deploy", 10_000, 20_000, 0, "", null, false);
    private static final GeneratorStats CLEAN = GeneratorStats.of(30, 30, 0, 1.5, 0, false);

    /**
     * 30 steady requests to "app", one per second from t=0: v1 until t=14 s, v2 from t=15 s on;
     * requests at t=12 and t=13 s were reset. Channel and method alternate like the real schedule.
     */
    static List<Record> upgradeRun() {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            double at = i * 1000.0;
            boolean reset = i == 12 || i == 13;
            Record.Builder b = Record.builder().seq(i).target("app")
                    .channel(i % 2 == 0 ? Channel.NEW : Channel.REUSED).method((i / 2) % 2 == 0 ? "GET" : "POST")
                    .at(at, reset ? 3 : 2 + i % 3);
            if (reset) {
                b.error(ErrorClass.RESET).message("SocketException: Connection reset");
            } else {
                b.status(200).version(i < 15 ? "v1" : "v2").instance(i < 15 ? "a" : "b");
            }
            records.add(b.build());
        }
        return records;
    }

    @Test
    void sameRecordsInAnyOrderGiveAnEqualVerdictAndIdenticalJson() {
        List<Record> records = upgradeRun();
        List<Record> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(42));

        Verdict a = Verdict.of(records, WINDOW, Settings.of(CLEAN));
        Verdict b = Verdict.of(shuffled, WINDOW, Settings.of(CLEAN));

        assertThat(b).isEqualTo(a);
        assertThat(RecordsJson.toJson(b)).isEqualTo(RecordsJson.toJson(a));
        assertThat(Verdict.of(records, WINDOW, Settings.of(CLEAN))).as("and again").isEqualTo(a);
    }

    @Test
    void recordsSurviveTheirJsonLinesRoundTripAndGiveTheSameVerdict() throws Exception {
        List<Record> records = upgradeRun();
        Path file = Files.createTempFile("records", ".jsonl");
        try {
            RecordsJson.writeJsonl(records, file);
            List<Record> read = RecordsJson.readJsonl(file);
            assertThat(read).isEqualTo(records);
            assertThat(Verdict.of(read, WINDOW, Settings.of(CLEAN))).isEqualTo(Verdict.of(records, WINDOW, Settings.of(CLEAN)));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void countsFailuresPerChannelMethodCohortTargetAndPhase() {
        Verdict v = Verdict.of(upgradeRun(), WINDOW, Settings.of(CLEAN));

        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.FAIL);
        assertThat(v.pass()).isFalse();
        assertThat(v.total()).isEqualTo(30);
        assertThat(v.failed()).isEqualTo(2);
        assertThat(v.byChannel()).containsEntry(Channel.NEW, new Tally(15, 1)).containsEntry(Channel.REUSED, new Tally(15, 1));
        assertThat(v.byMethod()).containsEntry("GET", new Tally(16, 2)).containsEntry("POST", new Tally(14, 0));
        assertThat(v.byCohort()).containsExactly(Map.entry("steady", new Tally(30, 2)));
        assertThat(v.byTarget()).containsExactly(Map.entry("app", new Tally(30, 2)));
        // t=0..9 before, t=10..20 during (edges included), t=21..29 after
        assertThat(v.byPhase()).containsEntry(Phase.BEFORE, new Tally(10, 0))
                .containsEntry(Phase.DURING, new Tally(11, 2))
                .containsEntry(Phase.AFTER, new Tally(9, 0));
        assertThat(v.errors()).containsExactly(Map.entry(ErrorClass.RESET, 2L));
        assertThat(v.errorExamples().get(ErrorClass.RESET)).containsExactly(
                "app steady new GET: SocketException: Connection reset",
                "app steady reused GET: SocketException: Connection reset");
        assertThat(v.statusCodes()).containsEntry(0, 2L).containsEntry(200, 28L);
        assertThat(v.failedRecords()).extracting(Record::seq).containsExactly(12L, 13L);
        assertThat(v.headline()).isEqualTo(
                "FAIL 2 of 30 failed: reset 2 — during upgrade; first at +2.0s, steady failures over 1.0s, then recovered");
    }

    @Test
    void phasesFollowTheIntendedTimeWithBothWindowEdgesDuring() {
        assertThat(Phase.of(9_999.9, WINDOW)).isEqualTo(Phase.BEFORE);
        assertThat(Phase.of(10_000, WINDOW)).isEqualTo(Phase.DURING);
        assertThat(Phase.of(20_000, WINDOW)).isEqualTo(Phase.DURING);
        assertThat(Phase.of(20_000.1, WINDOW)).isEqualTo(Phase.AFTER);
    }

    @Test
    void switchOverRolloutAndRecoveryComeFromTheAnswers() {
        Verdict v = Verdict.of(upgradeRun(), WINDOW, Settings.of(CLEAN));

        SwitchOver s = v.switchOver().get("app");
        assertThat(s.oldVersions()).containsExactly("v1");
        assertThat(s.newVersions()).containsExactly("v2");
        // last v1 answer: request 14 (at 14 000 ms, took 2 + 14 % 3 = 4 ms); first v2: request 15 (took 2 ms)
        assertThat(s.lastOldOffsetMillis()).isCloseTo(4_004, within(1e-6));
        assertThat(s.firstNewOffsetMillis()).isCloseTo(5_002, within(1e-6));
        assertThat(s.rolloutMillis()).isCloseTo(4_004, within(1e-6));
        assertThat(v.rolloutMillis()).isCloseTo(4_004, within(1e-6));
        assertThat(s.versionsByPhase().get(Phase.BEFORE)).containsExactly(Map.entry("v1", 10L));
        assertThat(s.versionsByPhase().get(Phase.DURING)).containsExactly(Map.entry("v1", 3L), Map.entry("v2", 6L));
        assertThat(s.versionsByPhase().get(Phase.AFTER)).containsExactly(Map.entry("v2", 9L));
        // first failure due at 12 000, last at 13 000, a success after it at 14 000
        assertThat(v.outageMillis()).isCloseTo(1_000, within(1e-6));
        assertThat(v.recovered()).isTrue();
        assertThat(v.firstFailureOffsetMillis()).isCloseTo(2_003, within(1e-6));
    }

    @Test
    void latencyPercentilesArePerPhase() {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(Record.builder().seq(i).status(200).version("v1").at(5_000 + i, 1).build()); // before: 1 ms
            records.add(Record.builder().seq(100 + i).status(200).version("v1").at(15_000 + i, 100 + i).build());
        }
        Verdict v = Verdict.of(records, WINDOW, Settings.defaults());

        assertThat(v.latency().before().p99Micros()).isBetween(999L, 1001L);
        assertThat(v.latency().during().count()).isEqualTo(100);
        assertThat(v.latency().during().minMicros()).isEqualTo(100_000);
        assertThat(v.latency().during().maxMicros()).isEqualTo(199_000);
        assertThat(v.latency().during().p50Micros()).isBetween(149_000L, 150_100L);
        assertThat(v.latency().during().p99Micros()).isBetween(198_000L, 199_100L);
        assertThat(v.latency().after().count()).isZero();
        assertThat(v.latency().all().count()).isEqualTo(200);
    }

    @Test
    void aCleanRunPassesWithABreakdownInItsHeadline() {
        List<Record> records = new ArrayList<>(upgradeRun().stream().filter(Record::ok).toList());
        records.add(Record.builder().seq(0).cohort("long").status(200).version("v1").at(9_000, 12_000).build());
        records.add(Record.builder().seq(0).cohort("stream").segment(new Segment(0, 20, 1L, 20L)).at(9_500, 12_000).build());
        GeneratorStats g = GeneratorStats.of(28, 28, 0, 1, 0, false);

        Verdict v = Verdict.of(records, WINDOW, Settings.of(g, List.of("app"), List.of("steady", "long", "stream")));

        assertThat(v.pass()).isTrue();
        assertThat(v.inconclusive()).isFalse();
        assertThat(v.headline()).isEqualTo("PASS 30 requests, 0 failed "
                + "(new 16/0, reused 14/0, GET 16/0, POST 14/0, long 1/0, stream 1/0)");
        assertThat(v.outageMillis()).isNull();
        assertThat(v.recovered()).isTrue();
        assertThat(v.firstFailureOffsetMillis()).isNull();
    }

    @Test
    void aLateOrOverloadedGeneratorMakesACleanRunInconclusive() {
        List<Record> ok = upgradeRun().stream().filter(Record::ok).toList();

        Verdict overloaded = Verdict.of(ok, WINDOW, Settings.of(GeneratorStats.of(30, 28, 0, 1, 2, false)));
        assertThat(overloaded.outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(overloaded.pass()).isFalse();
        assertThat(overloaded.inconclusiveReasons()).singleElement().asString().contains("2 requests skipped");

        Verdict late = Verdict.of(ok, WINDOW, Settings.of(GeneratorStats.of(28, 28, 1, 25, 0, false)));
        assertThat(late.outcome()).as("1 late of 28 is more than 1%").isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(late.headline()).contains("generator fell behind: 1 of 28 dispatches late");

        Verdict stalled = Verdict.of(ok, WINDOW, Settings.of(GeneratorStats.of(28, 28, 0, 1500, 0, false)));
        assertThat(stalled.inconclusiveReasons()).singleElement().asString().contains("1500 ms late");

        Verdict missing = Verdict.of(ok, WINDOW, Settings.of(GeneratorStats.of(30, 30, 0, 1, 0, false)));
        assertThat(missing.inconclusiveReasons()).singleElement().asString().contains("28 steady records for 30 sent");

        assertThat(Verdict.of(List.of(), WINDOW, Settings.defaults()).outcome())
                .as("no traffic proves nothing").isEqualTo(Verdict.Outcome.INCONCLUSIVE);
    }

    @Test
    void failuresOutrankAnInconclusiveGenerator() {
        Verdict v = Verdict.of(upgradeRun(), WINDOW, Settings.of(GeneratorStats.of(30, 30, 5, 30, 0, false)));

        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.FAIL);
        assertThat(v.inconclusive()).isTrue();
        assertThat(v.headline()).startsWith("FAIL 2 of 30 failed").contains("also inconclusive");
    }

    @Test
    void aFailedUpgradeIsNotedButTheVerdictJudgesTheTraffic() {
        UpgradeWindow failed = new UpgradeWindow("deploy v3", 10_000, 20_000, 3, "did not become healthy", null, false);
        List<Record> ok = upgradeRun().stream().filter(Record::ok).toList();
        GeneratorStats g = GeneratorStats.of(28, 28, 0, 1, 0, false);

        Verdict v = Verdict.of(ok, failed, Settings.of(g));
        assertThat(v.pass()).isTrue();
        assertThat(v.headline()).endsWith("[note: upgrade 'deploy v3' exited 3]");

        Verdict strict = Verdict.of(ok, failed, Settings.of(g).withUpgradeMustSucceed(true));
        assertThat(strict.outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
    }

    @Test
    void failedRecordsAreBounded() {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            records.add(Record.builder().seq(i).error(ErrorClass.REFUSED).message("refused").at(i, 1).build());
        }
        Verdict v = Verdict.of(records, WINDOW, Settings.defaults());

        assertThat(v.failedRecords()).hasSize(100);
        assertThat(v.failedRecordsOmitted()).isEqualTo(150);
        assertThat(v.errorExamples().get(ErrorClass.REFUSED)).as("examples are distinct").hasSize(1);
    }
}
