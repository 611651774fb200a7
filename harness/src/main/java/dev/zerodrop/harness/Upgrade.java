package dev.zerodrop.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What runs while the traffic flows: a real deploy command, a piece of Java, or nothing for a plain
 * timed attack. The harness times it (the upgrade window) and never lets it outlive the run's cap.
 */
public final class Upgrade {
    /** Captured output is bounded; the live echo is not. */
    static final int MAX_OUTPUT_CHARS = 256 * 1024;

    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** How an upgrade ended. */
    record Outcome(int exitCode, String output, String error) {
    }

    @FunctionalInterface
    interface Body {
        Outcome run(Consumer<String> echo, long deadlineNanos) throws Exception;
    }

    private final String name;
    private final Body body;
    private final Duration idle;

    private Upgrade(String name, Body body, Duration idle) {
        this.name = name;
        this.body = body;
        this.idle = idle;
    }

    /**
     * Runs a command (no shell unless you pass {@code bash -c}); stdout and stderr are captured and echoed
     * live with a prefix. A non-zero exit is recorded, not thrown.
     *
     * @param env added to the inherited environment
     */
    public static Upgrade command(List<String> command, Path workDir, Map<String, String> env) {
        List<String> cmd = List.copyOf(command);
        if (cmd.isEmpty()) {
            throw new IllegalArgumentException("empty upgrade command");
        }
        Map<String, String> extraEnv = Map.copyOf(env);
        return new Upgrade(String.join(" ", cmd), (echo, deadline) -> runProcess(cmd, workDir, extraEnv, echo, deadline),
                null);
    }

    public static Upgrade command(List<String> command) {
        return command(command, Path.of("").toAbsolutePath(), Map.of());
    }

    /** Java code as the upgrade (scale a service, kill a container...). An exception is recorded as exit -1. */
    public static Upgrade action(String name, Action action) {
        Objects.requireNonNull(action);
        return new Upgrade(name, (echo, deadline) -> runAction(action, deadline), null);
    }

    /** No upgrade: the window is simply {@code duration} of traffic (a plain timed attack). */
    public static Upgrade none(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative");
        }
        return new Upgrade("none (" + duration.toMillis() + " ms)", null, duration);
    }

    public String name() {
        return name;
    }

    /** For {@link #none}: how long the window lasts. Null for real upgrades. */
    Duration idleDuration() {
        return idle;
    }

    Outcome execute(Consumer<String> echo, long deadlineNanos) throws Exception {
        return body.run(echo, deadlineNanos);
    }

    private static Outcome runProcess(List<String> cmd, Path workDir, Map<String, String> env, Consumer<String> echo,
                                      long deadlineNanos) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close(); // no stdin: a deploy must not wait for input
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    echo.accept(line);
                    synchronized (output) {
                        if (output.length() < MAX_OUTPUT_CHARS) {
                            output.append(line).append('\n');
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended or was killed
            }
        }, "zerodrop-upgrade-output");
        reader.setDaemon(true);
        reader.start();
        long wait = Math.max(0, deadlineNanos - System.nanoTime());
        String error = null;
        int exit;
        if (process.waitFor(wait, TimeUnit.NANOSECONDS)) {
            exit = process.exitValue();
        } else {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            exit = -1;
            error = "killed: still running at the run's max duration";
        }
        // Background children may keep the pipe open; do not wait for them forever.
        reader.join(2000);
        synchronized (output) {
            return new Outcome(exit, output.toString(), error);
        }
    }

    private static Outcome runAction(Action action, long deadlineNanos) throws InterruptedException {
        Throwable[] thrown = new Throwable[1];
        Thread worker = new Thread(() -> {
            try {
                action.run();
            } catch (Throwable t) {
                thrown[0] = t;
            }
        }, "zerodrop-upgrade");
        worker.setDaemon(true);
        worker.start();
        worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        if (worker.isAlive()) {
            worker.interrupt();
            return new Outcome(-1, "", "still running at the run's max duration (interrupted)");
        }
        if (thrown[0] != null) {
            return new Outcome(-1, "", thrown[0].toString());
        }
        return new Outcome(0, "", null);
    }
}
