package dev.zerodrop.harness.traffic;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts the generator's own threads (the schedule and the I/O event loops) on the lowest real-time
 * priority (Linux SCHED_RR 1), so a busy host cannot starve the generator's clock. Measured on
 * approach_2's rolling deploy at 300 req/s on 2 cores: at nice -10, 10 to 357 of ~10,000
 * dispatches were more than 100 ms late (the run is then INCONCLUSIVE); at SCHED_RR 1, none (max
 * lag 21 to 70 ms).
 *
 * <p>Only those threads, never the whole process: a thread's policy passes to the processes it
 * starts, and a deploy command running at real-time priority starves the very service it deploys
 * (measured: the whole JVM at SCHED_RR made a three-node Swarm deploy time out 1,655 requests, its
 * containers taking 15 s to start). The deploy command is started from a thread left as it was.
 *
 * <p>Besides them, the JVM's own pause threads (the VM thread, which runs every safepoint, and the
 * GC workers): a garbage-collection pause stops every Java thread, the real-time ones too, and at
 * normal priority its workers shared the 2 cores with the deploy's processes (measured in CI: a
 * three-node Swarm deploy, the whole JVM stalled 690 ms, 179 of 15,556 dispatches over 100 ms
 * late, INCONCLUSIVE). They never start processes; GC workers that HotSpot adds later are started
 * by the VM thread and inherit its policy.
 */
public final class Realtime {
    private Realtime() {}

    /**
     * Checks, before any traffic, that this host grants real-time priority.
     *
     * @throws IllegalArgumentException with the reason when it does not (needs root or
     *                                  CAP_SYS_NICE, and Linux's {@code chrt})
     */
    public static void check() {
        chrt("--rr", "1", "true");
    }

    /** SCHED_RR 1 for the calling thread only. */
    public static void promoteCurrentThread() {
        String tid;
        try {
            // /proc/thread-self -> "<pid>/task/<tid>": Java has no API for the kernel's thread id.
            tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("--realtime: cannot find this thread's id (Linux only): " + e.getMessage());
        }
        chrt("--rr", "--pid", "1", tid);
    }

    /** Kernel names (15 characters) of the JVM's threads that a garbage-collection pause waits for. */
    static boolean pauseThread(String name) {
        return name.equals("VM Thread") || name.startsWith("GC Thread#");
    }

    /**
     * SCHED_RR 1 for the JVM's pause threads ({@link #pauseThread}); returns how many it promoted.
     *
     * @throws IllegalArgumentException when /proc cannot be read or chrt refuses
     */
    public static int promotePauseThreads() {
        Path tasks = Path.of("/proc/self/task");
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                String name;
                try {
                    name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                } catch (NoSuchFileException ended) {
                    continue; // a thread that ended meanwhile
                }
                if (pauseThread(name)) {
                    ids.add(task.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("--realtime: cannot list this JVM's threads in " + tasks + ": " + e.getMessage());
        }
        for (String tid : ids) {
            chrt("--rr", "--pid", "1", tid);
        }
        return ids.size();
    }

    /** SCHED_RR 1 for every event loop of the group; returns once all are promoted. */
    public static void promote(EventLoopGroup group) {
        for (EventExecutor loop : group) {
            loop.submit(Realtime::promoteCurrentThread).syncUninterruptibly();
        }
    }

    private static void chrt(String... args) {
        String outcome;
        try {
            String[] command = new String[args.length + 1];
            command[0] = "chrt";
            System.arraycopy(args, 0, command, 1, args.length);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalArgumentException("--realtime: chrt did not answer within 10 s");
            }
            if (p.exitValue() == 0) {
                return;
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
