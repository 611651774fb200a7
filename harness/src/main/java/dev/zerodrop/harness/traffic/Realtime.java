package dev.zerodrop.harness.traffic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Puts this JVM's threads on the lowest real-time priority (Linux SCHED_RR 1), so a busy host
 * cannot starve the generator's clock. Measured on approach_2's rolling deploy at 300 req/s on
 * 2 cores: at nice -10, 10 to 357 of ~10,000 dispatches were more than 100 ms late (the run is
 * then INCONCLUSIVE); at SCHED_RR 1, none (max lag 22 to 70 ms). The kernel's real-time
 * throttling (kernel.sched_rt_runtime_us, 95 % by default) still leaves the rest of the host
 * its share if the generator ever spins.
 */
public final class Realtime {
    private Realtime() {}

    /**
     * Applies SCHED_RR 1 to every thread of this process; threads started later inherit it.
     *
     * @throws IllegalArgumentException with the reason when the host refuses (needs root or
     *                               CAP_SYS_NICE, and Linux's {@code chrt})
     */
    public static String apply() {
        long pid = ProcessHandle.current().pid();
        String outcome;
        try {
            Process p = new ProcessBuilder("chrt", "--all-tasks", "--rr", "--pid", "1", Long.toString(pid))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalArgumentException("--realtime: chrt did not answer within 10 s");
            }
            if (p.exitValue() == 0) {
                return "SCHED_RR 1 on every thread of pid " + pid;
            }
            outcome = out.isEmpty() ? "chrt exit " + p.exitValue() : out;
        } catch (IOException e) {
            outcome = "cannot run chrt (util-linux): " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "interrupted";
        }
        throw new IllegalArgumentException("--realtime: real-time priority refused (" + outcome
                + "); it needs root or CAP_SYS_NICE. Run without --realtime to use normal priority.");
    }
}
