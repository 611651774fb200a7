package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TargetUnreachableException;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.support.Ports;
import dev.zerodrop.harness.verdict.Verdict;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RefusedTargetTest {

    @Test
    void aTargetThatRefusesConnectionsFailsWithEveryRecordRefused() {
        TrafficPlan plan = TrafficPlan.builder()
                .target("gone", Ports.refusedUri())
                .rate(50)
                .baseline(Duration.ZERO)
                .settle(Duration.ZERO)
                .build();

        RunResult result = Harness.run(plan, Upgrade.none(Duration.ofSeconds(1)));

        assertThat(result.records()).as("one record per attempt").hasSize(50);
        assertThat(result.records()).as("every attempt was refused")
                .allSatisfy(r -> {
                    assertThat(r.error()).isEqualTo(ErrorClass.REFUSED);
                    assertThat(r.status()).isZero();
                    assertThat(r.connectionId()).as("no connection was established").isZero();
                });
        Verdict verdict = result.verdict();
        assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.FAIL);
        assertThat(verdict.pass()).isFalse();
        assertThat(verdict.errors()).containsOnlyKeys(ErrorClass.REFUSED);
        assertThat(verdict.headline()).startsWith("FAIL 50 of 50 failed: refused 50");
    }

    @Test
    void throughAnUpgradeTheRunStopsAtTheBaselineAndNeverRunsTheUpgrade() {
        TrafficPlan plan = TrafficPlan.builder()
                .target("gone", Ports.refusedUri())
                .rate(50)
                .baseline(Duration.ofSeconds(5))
                .build();
        AtomicBoolean upgraded = new AtomicBoolean();
        long start = System.nanoTime();

        assertThatThrownBy(() -> Harness.run(plan, Upgrade.action("must not run", () -> upgraded.set(true))))
                .isInstanceOf(TargetUnreachableException.class)
                .hasMessageContaining("not healthy before the upgrade")
                .hasMessageContaining("refused")
                .hasMessageContaining("the upgrade was not run")
                .satisfies(e -> assertThat(((TargetUnreachableException) e).failedRecords())
                        .isNotEmpty().allMatch(Record::failed));

        assertThat(upgraded).as("the upgrade never ran").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("the first refused request stops the run; it does not wait out the baseline")
                .isLessThan(Duration.ofSeconds(4));
    }
}
