package dev.zerodrop.harness.cohort;

import dev.zerodrop.harness.ProgressSink;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.rules.AnswerRules;
import dev.zerodrop.harness.traffic.Connector;
import dev.zerodrop.harness.traffic.HttpEngine;
import dev.zerodrop.harness.traffic.Target;
import dev.zerodrop.harness.traffic.TimeBase;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a cohort gets from the run: the targets, the shared I/O (connections, TLS), the request
 * engine, the success rules, where records go, and the run's limits.
 *
 * @param sink           every record goes here (exactly once per attempt)
 * @param requestTimeout a request-like attempt with no full answer within this is a TIMEOUT
 * @param hardStopNanos  nothing is due at or after this
 * @param realtime       the cohorts' own scheduling threads go to SCHED_RR 1 ({@link dev.zerodrop.harness.traffic.Realtime})
 */
public record RunContext(List<Target> targets, Connector connector, HttpEngine engine, AnswerRules rules,
                         Consumer<Record> sink, ProgressSink out, Duration requestTimeout, long hardStopNanos,
                         boolean realtime) {
    public TimeBase time() {
        return connector.time();
    }

    /** Polls {@code done} every 5 ms until it holds or the deadline passes; true if it held. */
    public boolean awaitUntil(java.util.function.BooleanSupplier done, long deadlineNanos) throws InterruptedException {
        while (!done.getAsBoolean()) {
            if (time().nanos() >= deadlineNanos) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
