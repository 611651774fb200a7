package dev.zerodrop.harness.approaches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.record.Record;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * approach_2: Docker Swarm rolls the apps, HAProxy in front finds their tasks through DNS. The
 * claims — a rolling update, scaling and a rolled-back bad release drop nothing under traffic, and
 * Swarm heals a killed task losing only what was in flight on it — are proven here, and so is the
 * harness's ability to see the drops of a naive Swarm update (the negative control). Each run
 * attaches Swarm's own timeline (container events, task states) beside the traffic chart.
 */
@DisplayName("approach_2: Docker Swarm + HAProxy")
class Approach2IT implements SwarmContract {
  static final String A = "approach_2";
  /** HAProxy's check interval (proxy/haproxy.cfg `inter 500ms`). */
  static final long PROXY_CHECK_INTERVAL_MS = 500;
  SwarmWatch swarm;

  @Override
  public SwarmWatch swarm() {
    return swarm;
  }

  @Override
  public String reports() {
    return A;
  }

  @Override
  public void afterUp() {
    swarm = SwarmWatch.connect();
  }

  @Override
  public void afterDeploy(RunResult r) {
    for (String app : APPS) {
      swarm.updateStatus(app).filter(st -> st.getCompletedAt() != null).ifPresent(st -> System.out.printf(
          "  FIGURES %s: %s rollout v1 -> v2: %.1f s in Swarm (UpdateStatus start to completed; goal <= 30 s)%n",
          A, app, (st.getCompletedAt().getTime() - st.getStartedAt().getTime()) / 1000.0));
    }
  }

  @Override
  public void ensureVersion(String version) {
    scaleBack();
    SwarmContract.super.ensureVersion(version);
  }

  @Test
  @Order(11)
  @DisplayName("a replica count out of range is refused and changes nothing")
  void badScaleChangesNothing() {
    String before = serviceVersions();
    Lab.Exec tooMany = Lab.sh(CMD, A + "/scale", "go-app", "9");
    assertThat(tooMany.exitCode()).as("scale beyond 8 exits 2").isEqualTo(2);
    assertThat(tooMany.output()).contains("invalid replica count '9'");
    assertThat(serviceVersions()).as("no service spec changed after rejected input").isEqualTo(before);
  }

  @Test
  @Order(40)
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
  @Order(50)
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
  @Order(51)
  @DisplayName("deploy of the version already in the spec, while Swarm replaces a killed task, waits for that task and exits 0")
  void redeployDuringAutohealWaitsForTheTask() {
    ensureVersion("v2");
    // Swarm restarts the task after 1 s and counts it running once healthy (first check 2 s in):
    // a deploy started at once finds go-app short of a task. Re-applying an unchanged spec records
    // no update, so a deploy that waited for one ended at its 120 s bound with "timeout".
    swarm.kill(swarm.oneRunningContainer("go-app").getId());
    long t0 = System.currentTimeMillis();
    Lab.Exec deploy = Lab.sh(CMD, A + "/deploy", "go-app", "v2");
    double seconds = (System.currentTimeMillis() - t0) / 1000.0;
    boolean waited = deploy.output().contains("waiting for Swarm to restore");
    System.out.printf("  FIGURES %s: deploy go-app v2 during autoheal: exit %d after %.1f s (%s)%n", A, deploy.exitCode(), seconds,
        waited ? "found a task missing and waited for it" : "the task was back already");
    assertThat(deploy.exitCode()).as("deploy exit code; output:%n%s", deploy.output()).isZero();
    assertThat(swarm.runningTasks("go-app")).as("go-app tasks running after the deploy").isEqualTo(REPLICAS);
    assertThat(swarm.version("go-app")).isEqualTo("v2");
  }

  /** Spec versions and replica counts of the stack's services, to compare before and after. */
  private String serviceVersions() {
    return APPS.stream().map(a -> a + "=" + swarm.version(a) + "x" + swarm.replicas(a)).collect(Collectors.joining(" "));
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
    return failed.stream().collect(Collectors.groupingBy(x -> x.cohort() + ":" + x.error().label(),
        TreeMap::new, Collectors.counting()));
  }
}
