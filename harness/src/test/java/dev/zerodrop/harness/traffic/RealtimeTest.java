package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.ProgressSink;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.support.FakeApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * --realtime puts the generator's own threads and the JVM's pause threads (VM, GC workers) at
 * SCHED_RR and nothing else: the deploy command it runs keeps normal priority (a real-time deploy
 * command starves the service it deploys).
 */
class RealtimeTest {
    private static final int SCHED_RR = 2;

    private static boolean allowed() {
        try {
            Realtime.check();
            return true;
        } catch (IllegalArgumentException refused) {
            return false;
        }
    }

    /** Field 41 of a /proc stat line (the scheduling policy), counted after the parenthesised name. */
    private static int policy(String statLine) {
        String[] after = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[41 - 3]);
    }

    @Test
    void onlyTheGeneratorsThreadsRunAtRealTimePriority() throws Exception {
        assumeTrue(allowed(), "this host refuses real-time priority (not root): nothing to prove here");
        long pid = ProcessHandle.current().pid();
        // What the process runs at without --realtime (SCHED_OTHER, or whatever this JVM was started with).
        int usual = policy(Files.readString(Path.of("/proc/thread-self/stat")));
        assertThat(usual).as("this test's own thread is not real-time").isNotEqualTo(SCHED_RR);
        // The deploy command reports its own policy and that of every thread of this JVM, mid-run.
        String script = "echo \"self $(cat /proc/self/stat)\"; for t in /proc/" + pid + "/task/*; do "
                + "echo \"$(cat $t/comm)|$(cat $t/stat)\"; done";
        try (FakeApp app = new FakeApp("go-app", "v1", 100)) {
            TrafficPlan plan = TrafficPlan.builder().target("go-app", app.uri()).rate(100).realtime(true)
                    .baseline(Duration.ofMillis(200)).settle(Duration.ofMillis(200))
                    .progress(ProgressSink.lines(System.err)).build();

            RunResult r = Harness.run(plan, Upgrade.command(List.of("bash", "-c", script)));

            assertThat(r.window().exitCode()).as("the command; output: %s", r.window().output()).isZero();
            Map<String, Integer> threads = new TreeMap<>();
            int self = -1;
            for (String line : r.window().output().split("\n")) {
                if (line.startsWith("self ")) {
                    self = policy(line);
                } else if (line.contains("|") && line.substring(line.indexOf('|')).contains(")")) {
                    // A thread that ended between the script's two reads has no stat line: skipped.
                    String name = line.substring(0, line.indexOf('|'));
                    threads.merge(name, policy(line.substring(line.indexOf('|') + 1)), Math::max);
                }
            }
            assertThat(self).as("the deploy command's policy").isEqualTo(usual);
            // Names as the kernel keeps them (15 characters); a name's highest policy (earlier runs'
            // threads may still be ending).
            assertThat(threads).as("threads of the harness's JVM by name and policy")
                    .containsEntry("zerodrop-schedu", SCHED_RR);
            assertThat(threads.values()).as("the JVM's other threads (GC, compiler, the caller) keep their policy")
                    .contains(usual);
            assertThat(threads.entrySet()).as("the I/O event loops")
                    .anyMatch(e -> e.getKey().startsWith("zerodrop-io-") && e.getValue() == SCHED_RR);
            // A GC pause stops the real-time threads too: the threads it waits for run real-time.
            assertThat(threads).as("the JVM's safepoint thread").containsEntry("VM Thread", SCHED_RR);
            assertThat(threads.entrySet()).as("the JVM's GC workers").filteredOn(e -> e.getKey().startsWith("GC Thread#"))
                    .isNotEmpty().allMatch(e -> e.getValue() == SCHED_RR);
            assertThat(threads.entrySet()).as("the JVM's concurrent GC and compiler threads keep their policy")
                    .filteredOn(e -> e.getKey().startsWith("G1 Conc") || e.getKey().startsWith("C1 CompilerThre")
                            || e.getKey().startsWith("C2 CompilerThre"))
                    .isNotEmpty().allMatch(e -> e.getValue() == usual);
            // No verdict asserted: this test is about priorities; a starved host may rightly make it INCONCLUSIVE.
            assertThat(r.records()).as("the run sent traffic").isNotEmpty();
        }
    }
}
