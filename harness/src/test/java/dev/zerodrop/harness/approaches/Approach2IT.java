package dev.zerodrop.harness.approaches;

import static dev.zerodrop.harness.approaches.Lab.must;
import static dev.zerodrop.harness.approaches.Lab.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.record.Record;
import io.qameta.allure.Allure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * approach_2: Docker Swarm rolls the apps, HAProxy in front finds their tasks through DNS. The
 * claims — a rolling update, scaling and a rolled-back bad release drop nothing under traffic, and
 * Swarm heals a killed task losing only what was in flight on it — are proven here, and so is the
 * harness's ability to see the drops of a naive Swarm update (the negative control). Each run
 * attaches Swarm's own timeline (container events, task states) beside the traffic chart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("approach_2: Docker Swarm + HAProxy")
class Approach2IT {
  static final String A = "approach_2";
  static final Duration CMD = Duration.ofMinutes(4);
  static final List<String> APPS = List.of("go-app", "node-app");
  /** HAProxy's check interval (proxy/haproxy.cfg `inter 500ms`). */
  static final long PROXY_CHECK_INTERVAL_MS = 500;
  final TrafficPlan traffic = Lab.standardTraffic(18082);
  SwarmWatch swarm;

  @BeforeAll
  void up() {
    // Tolerate whatever an earlier (maybe failed) run left behind: start from nothing. down leaves
    // the swarm only if approach_2/up created it; the stack and its port go either way.
    sh(CMD, "approach_2/down");
    // Releases are built before the clock starts, as a pipeline would: the rollout is measured.
    for (String app : APPS) {
      must(CMD, "apps/build", app, "v1");
      must(CMD, "apps/build", app, "v2");
    }
    must(CMD, "apps/build", "go-app", "v3", "--broken");
    must(CMD, "approach_2/up");
    swarm = SwarmWatch.connect();
  }

  @AfterAll
  void down() {
    if (swarm != null) swarm.close();
    sh(CMD, "approach_2/down");
  }

  @Test
  @Order(1)
  @DisplayName("bad input gets a clear error and changes nothing")
  void badInputChangesNothing() {
    String before = serviceVersions();

    Lab.Exec unknown = sh(CMD, "approach_2/deploy", "go-ap", "v2");
    assertThat(unknown.exitCode()).as("unknown app exits 2").isEqualTo(2);
    assertThat(unknown.output()).contains("unknown app 'go-ap'");

    Lab.Exec noVersion = sh(CMD, "approach_2/deploy", "go-app");
    assertThat(noVersion.exitCode()).as("missing version exits 2").isEqualTo(2);
    assertThat(noVersion.output()).contains("missing");

    Lab.Exec tooMany = sh(CMD, "approach_2/scale", "go-app", "9");
    assertThat(tooMany.exitCode()).as("scale beyond 8 exits 2").isEqualTo(2);
    assertThat(tooMany.output()).contains("invalid replica count '9'");

    Lab.Exec noEngine = sh(CMD, Map.of("DOCKER_HOST", "unix:///nonexistent.sock"), "approach_2/deploy", "go-app", "v2");
    assertThat(noEngine.exitCode()).as("engine not answering exits 3").isEqualTo(3);
    assertThat(noEngine.output()).contains("Docker engine does not answer");

    assertThat(serviceVersions()).as("no service spec changed after rejected input").isEqualTo(before);
  }

  @Test
  @Order(2)
  @DisplayName("deploy go-app node-app v2 under traffic drops nothing (Swarm start-first rolling update)")
  void rollingDeployDropsNothing() {
    RunResult r = run("deploy-v2", Lab.command("approach_2/deploy", "go-app", "node-app", "v2"));

    // Figures first: they matter most when an assertion below fails.
    for (String app : APPS) {
      swarm.updateStatus(app).filter(s -> s.getCompletedAt() != null).ifPresent(s -> System.out.printf(
          "  FIGURES %s: %s rollout v1 -> v2: %.1f s in Swarm (UpdateStatus start to completed; goal <= 30 s)%n",
          A, app, (s.getCompletedAt().getTime() - s.getStartedAt().getTime()) / 1000.0));
    }
    Proofs.figures(A, r, 30);

    assertThat(r.window().exitCode()).as("deploy exit code; output:%n%s", r.window().output()).isZero();
    Proofs.assertZeroDrop(r, "v1", "v2");
    for (String app : APPS) {
      assertThat(swarm.version(app)).as("%s version after the deploy", app).isEqualTo("v2");
    }
  }

  @Test
  @Order(3)
  @DisplayName("scale 2 -> 4 -> 2 under traffic drops nothing, and the added tasks really serve")
  void scaleUpAndDownDropsNothing() {
    ensureVersion("v2");
    RunResult r = run("scale-2-4-2", Lab.command("bash", "-c",
        "approach_2/scale go-app 4 && approach_2/scale node-app 4 && approach_2/scale go-app 2 && approach_2/scale node-app 2"));

    assertThat(r.window().exitCode()).as("scale exit code; output:%n%s", r.window().output()).isZero();
    Proofs.assertPass(r);
    Proofs.assertOnlyVersion(r, "v2");
    Map<String, Set<String>> instances = r.records().stream().filter(Record::ok)
        .collect(Collectors.groupingBy(Record::target, TreeMap::new, Collectors.mapping(Record::instance, Collectors.toSet())));
    for (String app : APPS) {
      assertThat(instances.get(app)).as("%s instances that answered while scaled to 4", app).hasSizeGreaterThanOrEqualTo(4);
      assertThat(swarm.replicas(app)).as("%s replicas after scaling back", app).isEqualTo(2);
    }
  }

  @Test
  @Order(4)
  @DisplayName("a release that never turns healthy is rolled back by Swarm itself; v2 keeps serving, nothing dropped")
  void badReleaseIsRolledBackWithoutDrops() {
    ensureVersion("v2");
    RunResult r = run("bad-release-v3", Lab.command("approach_2/deploy", "go-app", "v3"));

    System.out.printf("  FIGURES %s: bad release v3 detected and rolled back by Swarm in %.1f s (deploy command)%n", A,
        r.window().durationMillis() / 1000.0);
    assertThat(r.window().exitCode()).as("deploy of a broken release must fail").isEqualTo(1);
    assertThat(r.window().output()).contains("swarm rolled back go-app");
    Proofs.assertPass(r);
    Proofs.assertOnlyVersion(r, "v2");
    assertThat(swarm.version("go-app")).as("go-app spec after Swarm's rollback").isEqualTo("v2");
    assertThat(swarm.runningTasks("go-app")).as("go-app tasks running v2 after the rollback").isEqualTo(2);
  }

  @Test
  @Order(5)
  @DisplayName("autoheal: a killed task loses only its in-flight requests, and Swarm restores the replica count")
  void killedTaskIsReplaced() {
    ensureVersion("v2");
    long[] killedAt = {0};
    long[] healedAt = {0};
    String[] killed = {""};
    RunResult r = run("autoheal-kill", Upgrade.action("docker kill one go-app task", () -> {
      Container victim = swarm.oneRunningContainer("go-app");
      killed[0] = victim.getId();
      killedAt[0] = System.currentTimeMillis();
      swarm.kill(victim.getId());
      await("go-app back to its replica count").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> swarm.runningTasksExcept("go-app", killed[0]) == swarm.replicas("go-app"));
      healedAt[0] = System.currentTimeMillis();
    }));

    // The process dies after the kill call and before the engine's die event (the engine stamps
    // its kill event only after signalling, so a connection may close a moment before it): a
    // request can only be lost if it was in flight on go-app somewhere in between.
    long kill = killedAt[0];
    long died = awaitEvent(killed[0], "die");
    List<Record> failed = r.records().stream().filter(Record::failed).toList();
    List<Record> inFlight = r.records().stream()
        .filter(x -> x.target().equals("go-app") && x.startAtMs() <= died && x.endAtMs() >= kill).toList();
    System.out.printf("  FIGURES %s: autoheal: %d failed of %d requests in flight on go-app when its task died (%s); "
            + "2/2 tasks running again after %.1f s; the replacement answered its first request after %.1f s%n",
        A, failed.size(), inFlight.size(), errorCounts(failed), (healedAt[0] - kill) / 1000.0,
        firstAnswerFromNewInstance(r, "go-app", kill));

    assertThat(r.window().exitCode()).as("the kill-and-wait action; error: %s", r.window().error()).isZero();
    assertThat(failed).as("failed requests are all go-app's").allMatch(x -> x.target().equals("go-app"));
    // The bound: only requests in flight on go-app at its death can fail — about half of them, the
    // killed task's share (HAProxy balances round-robin over 2 tasks); every other request must succeed.
    assertThat(failed).as("failed requests were in flight on go-app when the task died (%d of them)", inFlight.size())
        .allMatch(inFlight::contains);
    // Swarm drops the dead task from DNS at once, HAProxy checks every 500 ms and retries a failed
    // connect on another task: nothing begun one check interval after the death may fail.
    assertThat(failed).as("failures among requests begun more than %d ms after the task died", PROXY_CHECK_INTERVAL_MS)
        .allMatch(x -> x.startAtMs() < died + PROXY_CHECK_INTERVAL_MS);
    String instance = killed[0].substring(0, 12);
    assertThat(r.records()).as("answers from the killed instance after one check interval")
        .noneMatch(x -> x.ok() && instance.equals(x.instance()) && x.startAtMs() > died + PROXY_CHECK_INTERVAL_MS);
  }

  @Test
  @Order(6)
  @DisplayName("negative control: a naive Swarm update (all at once, stop-first, no health check) drops requests, and the harness sees it")
  void naiveDeployIsCaught() {
    ensureVersion("v2");
    RunResult r = run("negative-control-naive", Lab.command("approach_2/naive-deploy", "go-app", "node-app", "v1"));

    assertThat(r.window().exitCode()).as("the naive deploy itself 'succeeds'; output:%n%s", r.window().output()).isZero();
    Proofs.assertCaughtDrops(r);
  }

  /** Runs a scenario under the standard traffic and attaches Swarm's timeline beside the harness's reports. */
  private RunResult run(String scenario, Upgrade upgrade) {
    swarm.mark();
    long marked = System.currentTimeMillis();
    RunResult r = null;
    try {
      r = Lab.run(A, scenario, traffic, upgrade);
      return r;
    } finally {
      String timeline = swarm.timeline(r != null ? r.window().startMillis() : marked);
      Path dir = Lab.REPORTS.resolve(A).resolve(scenario);
      try {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("swarm-events.txt"), timeline);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Allure.addAttachment(A + " " + scenario + ": swarm events", "text/plain", timeline, ".txt");
    }
  }

  /** Spec versions and replica counts of the stack's services, to compare before and after. */
  private String serviceVersions() {
    return APPS.stream().map(a -> a + "=" + swarm.version(a) + "x" + swarm.replicas(a)).collect(Collectors.joining(" "));
  }

  /** Brings both apps to {@code version} (2 replicas, stack settings) when an earlier test left them elsewhere. */
  private void ensureVersion(String version) {
    for (String app : APPS) {
      if (swarm.replicas(app) != 2) must(CMD, "approach_2/scale", app, "2");
    }
    if (!APPS.stream().allMatch(a -> swarm.version(a).equals(version))) {
      must(CMD, "approach_2/deploy", "go-app", "node-app", version);
    }
  }

  /** The engine's event time; it may trail the action by a moment, so wait for it (bounded). */
  private long awaitEvent(String containerId, String action) {
    return await(action + " event of " + containerId).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> swarm.containerEvent(containerId, action), java.util.Optional::isPresent).orElseThrow();
  }

  /** Seconds from the kill to the first answer from a go-app instance not seen before it. */
  private static double firstAnswerFromNewInstance(RunResult r, String app, long kill) {
    Set<String> before = r.records().stream().filter(x -> x.ok() && x.target().equals(app) && x.startAtMs() < kill)
        .map(Record::instance).collect(Collectors.toSet());
    return r.records().stream().filter(x -> x.ok() && x.target().equals(app) && !before.contains(x.instance()))
        .mapToDouble(Record::endAtMs).min().stream().map(t -> (t - kill) / 1000.0).findFirst().orElse(Double.NaN);
  }

  private static Map<String, Long> errorCounts(List<Record> failed) {
    return failed.stream().collect(Collectors.groupingBy(x -> x.cohort().name().toLowerCase() + ":" + x.error().label(),
        TreeMap::new, Collectors.counting()));
  }
}
