package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.support.TestServer;
import dev.zerodrop.harness.verdict.Verdict;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the generator cannot send what the schedule says, the run proves nothing: it must never
 * PASS. Here the in-flight cap is 1 and the server answers slowly, so most requests are skipped.
 */
class OverloadTest {

    @Test
    void requestsSkippedAtTheInFlightCapMakeTheRunInconclusive() {
        try (TestServer server = TestServer.start(r -> TestServer.Reply.hello("v1").delayed(200))) {
            TrafficPlan plan = TrafficPlan.builder()
                    .target("app", server.uri("/"))
                    .rate(50)
                    .maxInFlight(1)
                    .baseline(Duration.ZERO)
                    .settle(Duration.ZERO)
                    .build();

            RunResult result = Harness.run(plan, Upgrade.none(Duration.ofSeconds(1)));

            assertThat(result.generator().scheduled()).isEqualTo(50);
            assertThat(result.generator().overload()).as("requests skipped at the cap").isGreaterThan(30);
            assertThat(result.generator().sent() + result.generator().overload()).isEqualTo(50);
            assertThat(result.records()).as("a skipped request leaves no record").hasSize((int) result.generator().sent());
            assertThat(result.records()).as("what was sent succeeded").allMatch(r -> r.ok());
            assertThat(result.verdict().outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
            assertThat(result.verdict().pass()).isFalse();
            assertThat(result.verdict().headline()).contains("generator overloaded");
            assertThat(server.requests()).as("the server saw only what was sent").isEqualTo((int) result.generator().sent());
        }
    }
}
