package dev.zerodrop.harness.verdict;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RecordsJson;
import dev.zerodrop.harness.record.Segment;
import dev.zerodrop.harness.record.UpgradeWindow;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live verdict (records one at a time, in the order they complete, the window announced while
 * they arrive) equals the pure {@link Verdict#of} over the same records in any order.
 */
class IncrementalVerdictProperties {
    private static final List<ErrorClass> FAILURES = List.of(ErrorClass.RESET, ErrorClass.REFUSED, ErrorClass.HTTP_5XX,
            ErrorClass.TIMEOUT, ErrorClass.PREMATURE_CLOSE, ErrorClass.TLS_HANDSHAKE);

    record Run(List<Record> records, UpgradeWindow window, long seed) {
        @Override
        public String toString() {
            return "run(seed " + seed + ", " + records.size() + " records, window " + window.startMillis() + "-"
                    + window.endMillis() + ")";
        }
    }

    @Provide
    Arbitrary<Run> runs() {
        return Arbitraries.longs().map(IncrementalVerdictProperties::generate);
    }

    /** A run of up to 1500 records over 30 s: two targets, three cohorts, failures anywhere, versions switching. */
    static Run generate(long seed) {
        Random rnd = new Random(seed);
        double start = 5_000 + rnd.nextInt(10_000) + rnd.nextInt(1000) / 1000.0;
        double end = start + rnd.nextInt(10_000) + rnd.nextInt(1000) / 1000.0;
        double switchAt = start + rnd.nextDouble() * (end - start);
        int n = rnd.nextInt(1500);
        double failureRate = rnd.nextInt(4) == 0 ? 0 : rnd.nextDouble() * 0.3;
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String cohort = rnd.nextInt(10) < 8 ? "steady" : rnd.nextBoolean() ? "long" : "stream";
            double intended = Math.round(rnd.nextDouble() * 30_000_000) / 1000.0;
            double latency = Math.round((rnd.nextInt(20) == 0 ? rnd.nextDouble() * 5_000 : rnd.nextDouble() * 50) * 1000) / 1000.0;
            Record.Builder b = Record.builder().seq(i).cohort(cohort).target(rnd.nextBoolean() ? "go-app" : "node-app")
                    .channel(rnd.nextBoolean() ? Channel.NEW : Channel.REUSED).method(rnd.nextBoolean() ? "GET" : "POST")
                    .at(intended, latency);
            if (cohort.equals("stream")) {
                b.segment(new Segment(rnd.nextInt(5), rnd.nextInt(20), 1L, 20L));
            }
            if (rnd.nextDouble() < failureRate) {
                ErrorClass cls = FAILURES.get(rnd.nextInt(FAILURES.size()));
                b.error(cls).message(rnd.nextBoolean() ? null : cls.label() + " #" + rnd.nextInt(5))
                        .status(cls == ErrorClass.HTTP_5XX ? 503 : 0);
            } else {
                b.status(200).version(intended + latency < switchAt ? "v1" : "v2").instance("i" + rnd.nextInt(3));
            }
            records.add(b.build());
        }
        return new Run(records, new UpgradeWindow("deploy", start, end, 0, "", null, false), seed);
    }

    @Property(tries = 300)
    void theLiveVerdictEqualsThePureOne(@ForAll("runs") Run run) {
        Settings settings = Settings.of(GeneratorStats.of(0, 0, 0, 1, 0, false), List.of("go-app", "node-app"),
                List.of("steady", "long", "stream")).withUpgradeMustSucceed(false);
        Settings counted = new Settings(GeneratorStats.of(count(run), count(run), 0, 1, 0, false), 0.01, 1000, 20, false,
                settings.targets(), settings.cohorts());

        List<Record> shuffled = new ArrayList<>(run.records());
        Collections.shuffle(shuffled, new Random(run.seed()));
        Verdict pure = Verdict.of(shuffled, run.window(), counted);

        // Live: records arrive in the order they complete; each window edge is announced at its moment.
        List<Record> byEnd = new ArrayList<>(run.records());
        byEnd.sort(Comparator.comparingDouble(Record::endAtMs));
        VerdictAccumulator live = new VerdictAccumulator(counted);
        boolean started = false;
        boolean ended = false;
        for (Record r : byEnd) {
            if (!started && r.endAtMs() >= run.window().startMillis()) {
                assertThat(live.windowStarted(() -> run.window().startMillis())).isEqualTo(run.window().startMillis());
                started = true;
            }
            if (!ended && r.endAtMs() >= run.window().endMillis()) {
                live.windowEnded(() -> run.window().endMillis());
                ended = true;
            }
            live.add(r);
        }
        if (!started) {
            live.windowStarted(() -> run.window().startMillis());
        }
        if (!ended) {
            live.windowEnded(() -> run.window().endMillis());
        }
        Verdict incremental = live.verdict(run.window());

        assertThat(incremental).isEqualTo(pure);
        assertThat(RecordsJson.toJson(incremental)).isEqualTo(RecordsJson.toJson(pure));
    }

    private static long count(Run run) {
        return run.records().stream().filter(r -> r.cohort().equals("steady")).count();
    }
}
