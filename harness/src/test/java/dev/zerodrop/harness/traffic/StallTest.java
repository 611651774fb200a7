package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.support.Load;
import dev.zerodrop.harness.support.TestServer;
import dev.zerodrop.harness.verdict.LatencyStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A backend that stalls must not slow the schedule (a closed-loop tool would send fewer requests and
 * report the stall as one slow request), and the stall must show up in the latency of every request
 * that was due during it.
 */
class StallTest {

    @Test
    void aStalledServerDoesNotShiftTheScheduleAndItsStallShowsInLatency() {
        AtomicLong firstRequestNanos = new AtomicLong();
        Set<String> stalled = ConcurrentHashMap.newKeySet();
        long stallFrom = TimeUnit.MILLISECONDS.toNanos(500);
        long stallTo = TimeUnit.MILLISECONDS.toNanos(1500);
        // Every request arriving between +0.5 s and +1.5 s (server time) is answered 2 s late.
        try (TestServer server = TestServer.start(request -> {
            firstRequestNanos.compareAndSet(0, request.atNanos());
            long since = request.atNanos() - firstRequestNanos.get();
            TestServer.Reply hello = TestServer.Reply.hello("v1");
            if (since >= stallFrom && since < stallTo) {
                stalled.add(request.seq());
                return hello.delayed(2000);
            }
            return hello;
        })) {
            TrafficPlan plan = TrafficPlan.builder()
                    .target("app", server.uri("/"))
                    .rate(100)
                    .baseline(Duration.ZERO)
                    .settle(Duration.ZERO)
                    .requestTimeout(Duration.ofSeconds(5))
                    .build();

            RunResult result = Harness.run(plan, Upgrade.none(Duration.ofMillis(2500)));
            List<Record> records = result.records();

            assertThat(records).as("the schedule went on through the stall: 2.5 s x 100/s").hasSize(250);
            double first = records.get(0).intendedAtMs();
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).intendedAtMs() - first).as("intended time of request %d", i)
                        .isCloseTo(i * 10.0, within(0.002));
            }
            assertThat(records).as("slow is not failed").allMatch(Record::ok);
            // Which requests meet the stall depends on when they went out: judged only when the
            // generator kept its schedule (seen: 47 of 250 dispatches late, 77 met the stall).
            Load.assertPassUnlessMachineOverloaded(result);

            List<Record> duringStall = records.stream().filter(r -> stalled.contains("steady-" + r.seq())).toList();
            List<Record> outside = records.stream().filter(r -> !stalled.contains("steady-" + r.seq())).toList();
            assertThat(duringStall).as("about a second of requests hit the stall").hasSizeBetween(80, 120);
            LatencyStats stall = LatencyStats.of(duringStall.stream().map(Record::latencyMicros).toList());
            LatencyStats rest = LatencyStats.of(outside.stream().map(Record::latencyMicros).toList());
            assertThat(stall.p99Micros()).as("p99 of requests that met the stall").isGreaterThanOrEqualTo(2_000_000);
            assertThat(stall.minMicros()).as("every one of them waited the stall out").isGreaterThanOrEqualTo(2_000_000);
            assertThat(rest.p50Micros()).as("p50 of the others").isLessThan(500_000);

            // The stall did not make the generator late (the PASS above says so; these are the figures).
            double[] lags = records.stream().mapToDouble(r -> r.startAtMs() - r.intendedAtMs()).sorted().toArray();
            assertThat(lags[lags.length / 2]).as("median dispatch lag (ms) during a stall").isLessThan(20.0);
            assertThat(result.generator().maxLagMillis()).as("worst dispatch lag (ms) during a stall").isLessThan(1000.0);
        }
    }
}
