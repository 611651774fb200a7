package dev.zerodrop.harness.approaches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zerodrop.harness.AllureAttachments;
import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.Presets;
import dev.zerodrop.harness.ProgressSink;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.report.Reports;
import dev.zerodrop.harness.traffic.Realtime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What every approach's proof shares: where the repo is, the lab's standard traffic, running the
 * approach's own commands (bounded in time), and writing each run's reports. A driver runs
 * commands; it never decides the verdict — the harness does.
 */
public final class Lab {
  private Lab() {}

  public static final Path ROOT = findRoot();
  public static final Path REPORTS = ROOT.resolve("harness/target/zerodrop-reports");

  /**
   * The generator shares 2 cores with the system under test and its deploy tooling. A starved
   * generator makes a run INCONCLUSIVE (never PASS), so give the measuring instrument priority
   * over the tooling, as load generators usually get: the harness's {@code --realtime} (its
   * schedule and I/O threads at SCHED_RR 1, the deploy command left at normal priority; figures
   * in {@link Realtime}). Where the host refuses it (no root), nice -10 for this JVM instead,
   * which left up to 3.2 % of dispatches late during a deploy. Logged either way.
   */
  static final boolean REALTIME = prioritiseGenerator();

  private static boolean prioritiseGenerator() {
    try {
      Realtime.check();
      System.out.println("generator priority: SCHED_RR 1 on the harness's schedule and I/O threads (--realtime)");
      return true;
    } catch (IllegalArgumentException refused) {
      long pid = ProcessHandle.current().pid();
      // Linux nice values are per thread: renice every thread there is now; threads started
      // later (the traffic event loops) inherit it from the thread that starts them.
      boolean niced = sh(Duration.ofSeconds(10), "sh", "-c", "renice -n -10 -p $(ls /proc/" + pid + "/task) >/dev/null")
          .exitCode() == 0;
      System.out.println("generator priority: " + refused.getMessage() + "; " + (niced ? "nice -10 instead" : "unchanged"));
      return false;
    }
  }

  private static Path findRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("lib/common.sh"))) p = p.getParent();
    if (p == null) throw new IllegalStateException("run from inside the ZeroDrop Lab checkout");
    return p;
  }

  /**
   * The traffic every approach is judged under: the harness's {@code lab} preset (defined once, in
   * {@link Presets#lab}; the shell flows use {@code --preset lab}) against the approach's proxy.
   */
  public static TrafficPlan.Builder standardTraffic(URI base) {
    return Presets.lab(base).progress(ProgressSink.lines(System.out)).realtime(REALTIME);
  }

  /** The approach's own command as the upgrade, run from the repo root. */
  public static Upgrade command(String... cmd) {
    return Upgrade.command(List.of(cmd), ROOT, Map.of());
  }

  public static Upgrade command(Map<String, String> env, String... cmd) {
    return Upgrade.command(List.of(cmd), ROOT, env);
  }

  /** Runs traffic around the upgrade, writes the reports and attaches them to the Allure test. */
  public static RunResult run(String approach, String scenario, TrafficPlan plan, Upgrade upgrade) {
    RunResult result = Harness.run(plan, upgrade);
    Path dir = REPORTS.resolve(approach).resolve(scenario);
    try {
      Reports.write(result, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AllureAttachments.attach(result, dir, approach + " " + scenario);
    System.out.printf("%n[%s/%s] %s%n  reports: %s%n", approach, scenario,
        result.verdict().headline(), ROOT.relativize(dir));
    return result;
  }

  /** Output and exit code of a finished command. */
  public record Exec(int exitCode, String output) {}

  /**
   * Runs a lab command from the repo root, echoing its output, bounded by {@code timeout}
   * (killed after it). Never throws on a non-zero exit: callers assert on it.
   */
  public static Exec sh(Duration timeout, String... cmd) {
    return sh(timeout, Map.of(), cmd);
  }

  public static Exec sh(Duration timeout, Map<String, String> env, String... cmd) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      StringBuilder out = new StringBuilder();
      Thread reader = new Thread(() -> {
        try (var r = p.inputReader(StandardCharsets.UTF_8)) {
          for (String line; (line = r.readLine()) != null; ) {
            System.out.println("  | " + line);
            synchronized (out) { out.append(line).append('\n'); }
          }
        } catch (IOException ignored) {
          // the process ended
        }
      });
      reader.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        reader.join(5_000);
        return new Exec(-1, out + "\n(killed after " + timeout + ")");
      }
      reader.join(5_000);
      synchronized (out) { return new Exec(p.exitValue(), out.toString()); }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A setup step that must work for the proof to mean anything. */
  public static Exec must(Duration timeout, String... cmd) {
    return must(timeout, Map.of(), cmd);
  }

  public static Exec must(Duration timeout, Map<String, String> env, String... cmd) {
    Exec e = sh(timeout, env, cmd);
    assertThat(e.exitCode()).as("`%s` must succeed; output:%n%s", String.join(" ", cmd), e.output()).isZero();
    return e;
  }
}
