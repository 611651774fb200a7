package dev.zerodrop.harness.approaches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.record.Record;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * approach_2 on three nodes ({@code approach_2/up --nodes 3}): a manager and two workers, each a
 * Docker-in-Docker engine, the replicas spread over them, the manager's proxy on 127.0.0.1:18082.
 * Besides the contract (deploy, bad release, naive deploy), what only several nodes can show:
 * taking a worker out for maintenance and losing one. Measured facts these tests rest on are in
 * approach_2/README.md "Cluster mode".
 */
@DisplayName("approach_2 cluster: three Swarm nodes in Docker-in-Docker")
class Approach2ClusterIT implements SwarmContract {
  static final String A = "approach_2";
  /** Reports go beside the one-node proof's, not over them. */
  static final String REPORTS = "approach_2-cluster";
  static final List<String> WORKERS = List.of("worker1", "worker2");
  /**
   * How long after a node dies the manager's HAProxy may still send it requests: 2 failed checks
   * (fall 2) of at most inter 500 ms + a check connect timeout of 500 ms each, plus 500 ms for a
   * busy host. Measured: the last failed request began 0.4 to 1.8 s after the kill (9 runs).
   */
  static final long DETECTION_MS = 2 * (500 + 500) + 500;
  SwarmWatch swarm;

  @Override
  public SwarmWatch swarm() {
    return swarm;
  }

  @Override
  public String reports() {
    return REPORTS;
  }

  /** Which node runs what, after each run. */
  @Override
  public Map<String, String> afterRunFiles() {
    return Map.of("nodes-after.txt", Lab.sh(CMD, A + "/nodes").output());
  }

  @Override
  public String[] upCommand() {
    return new String[] {A + "/up", "--nodes", "3"};
  }

  /** The broken release too: up copies every release into every node, so no copy runs under traffic. */
  @Override
  public void prepare() {
    SwarmContract.super.prepare();
    Lab.must(CMD, "apps/build", "go-app", "v3", "--broken");
  }

  @Override
  public void afterUp() {
    swarm = SwarmWatch.connect("unix://" + Lab.ROOT.resolve(A + "/.state/cluster/manager/docker.sock"));
  }

  /**
   * Every node back in service, no app pinned and 2 replicas of each app, then the contract's
   * version check. (A pin that {@link #onlyReplicaOn} failed to remove would otherwise make every
   * later test fail for that reason, not its own: seen in CI, a pinned go-app could not scale to 2.)
   */
  @Override
  public void ensureVersion(String version) {
    for (String w : WORKERS) {
      if (!node(w).availability().equals("active")) Lab.must(CMD, A + "/undrain-node", w);
    }
    for (String app : APPS) {
      for (String c : swarm.constraints(app)) unpin(app, c);
    }
    scaleBack();
    SwarmContract.super.ensureVersion(version);
  }

  // ---- drain ---------------------------------------------------------------------------------

  @Test
  @Order(11)
  @DisplayName("node verbs refuse bad input and change nothing")
  void badNodeInputChangesNothing() {
    String before = Lab.must(CMD, A + "/nodes").output();
    Lab.Exec unknown = Lab.sh(CMD, A + "/drain-node", "worker9");
    assertThat(unknown.exitCode()).as("unknown node exits 2").isEqualTo(2);
    assertThat(unknown.output()).contains("unknown node 'worker9'");
    Lab.Exec manager = Lab.sh(CMD, A + "/drain-node", "manager");
    assertThat(manager.exitCode()).as("draining the manager (the entry) exits 2").isEqualTo(2);
    assertThat(manager.output()).contains("entry proxy");
    Lab.Exec nodes = Lab.sh(CMD, A + "/up", "--nodes", "2");
    assertThat(nodes.exitCode()).as("up --nodes 2 exits 2").isEqualTo(2);
    Lab.Exec oneNode = Lab.sh(CMD, A + "/up", "--nodes", "1");
    assertThat(oneNode.exitCode()).as("up --nodes 1 while the cluster runs exits 3").isEqualTo(3);
    assertThat(Lab.must(CMD, A + "/nodes").output()).as("nodes and tasks after rejected input").isEqualTo(before);
  }

  @Test
  @Order(40)
  @DisplayName("drain-node: a worker's tasks move start-first; no request dropped, never fewer than 2 replicas answering")
  void drainNodeKeepsCapacityAndDropsNothing() {
    ensureVersion("v2");
    String w = workerWithMostReplicas();
    Set<String> apps = node(w).apps();
    RunResult r = run("drain-node", command(Map.of(), "drain-node", w));
    try {
      System.out.printf("  FIGURES %s cluster: drain-node %s (%s): %d failed of %d; %s; drain command %.1f s%n", A, w, apps,
          failed(r).size(), r.records().size(), secondsBelow(r), r.window().durationMillis() / 1000.0);
      assertThat(r.window().exitCode()).as("drain-node exit code; output:%n%s", r.window().output()).isZero();
      Proofs.assertPass(r);
      for (String app : apps) {
        assertThat(secondsBelow(r, app, REPLICAS)).as("seconds in which fewer than %d %s instances answered", REPLICAS, app)
            .isZero();
      }
      Node after = node(w);
      assertThat(after.availability()).isEqualTo("drain");
      assertThat(after.apps()).as("app tasks left on the drained %s", w).isEmpty();
    } finally {
      Lab.must(CMD, A + "/undrain-node", w);
    }
  }

  @Test
  @Order(41)
  @DisplayName("negative control (capacity): the bare drain stops first, and the harness sees an app on one replica")
  void bareDrainLowersCapacity() {
    ensureVersion("v2");
    String w = workerWithMostReplicas();
    Set<String> apps = node(w).apps();
    RunResult r = run("bare-drain", command(Map.of(), "drain-node", "--bare", w));
    try {
      System.out.printf("  FIGURES %s cluster: bare drain %s (%s): %d failed of %d; %s; until every replica ran elsewhere %.1f s%n",
          A, w, apps, failed(r).size(), r.records().size(), secondsBelow(r), r.window().durationMillis() / 1000.0);
      assertThat(r.window().exitCode()).as("bare drain exit code; output:%n%s", r.window().output()).isZero();
      assertThat(apps.stream().mapToLong(app -> secondsBelow(r, app, REPLICAS)).sum())
          .as("seconds in which an app of %s answered from fewer than %d instances (the check drain-node passes)", w, REPLICAS)
          .isPositive();
      // Measured (README): with the other replica elsewhere, the stop-first drain still drops nothing.
      Proofs.assertPass(r);
    } finally {
      Lab.must(CMD, A + "/undrain-node", w);
    }
  }

  @Test
  @Order(42)
  @DisplayName("negative control (drops): the bare drain of the node holding an app's only replica drops requests")
  void bareDrainOfTheOnlyReplicaIsCaught() {
    ensureVersion("v2");
    String w = WORKERS.get(0);
    onlyReplicaOn("go-app", w);
    try {
      RunResult r = run("bare-drain-single-replica", command(Map.of(), "drain-node", "--bare", w));
      assertThat(r.window().exitCode()).as("bare drain exit code; output:%n%s", r.window().output()).isZero();
      Proofs.assertCaughtDrops(r);
      assertThat(failed(r)).as("failed requests are go-app's (node-app kept its 2 replicas)")
          .allMatch(x -> x.target().equals("go-app"));
    } finally {
      Lab.must(CMD, A + "/undrain-node", w);
    }
  }

  @Test
  @Order(43)
  @DisplayName("drain-node of the node holding an app's only replica drops nothing")
  void drainNodeOfTheOnlyReplicaDropsNothing() {
    ensureVersion("v2");
    String w = WORKERS.get(0);
    onlyReplicaOn("go-app", w);
    try {
      RunResult r = run("drain-node-single-replica", command(Map.of(), "drain-node", w));
      assertThat(r.window().exitCode()).as("drain-node exit code; output:%n%s", r.window().output()).isZero();
      Proofs.assertPass(r);
    } finally {
      Lab.must(CMD, A + "/undrain-node", w);
      Lab.must(CMD, A + "/scale", "go-app", String.valueOf(REPLICAS));
    }
  }

  // ---- node loss -----------------------------------------------------------------------------

  @Test
  @Order(60)
  @DisplayName("node loss: only what was in flight on the lost worker (or sent before HAProxy saw it gone) fails; Swarm reschedules")
  void nodeLossLosesOnlyWhatWasOnIt() {
    ensureVersion("v2");
    String w = workerWithMostReplicas();
    Set<String> apps = node(w).apps();
    long[] killedAt = {0};
    long[] backAt = {0};
    RunResult r = run("node-loss", Upgrade.action("docker kill the DinD node " + w, () -> {
      killedAt[0] = System.currentTimeMillis();
      Lab.must(CMD, "docker", "kill", "zerodrop_a2_" + w);
      await("every replica running on the other nodes").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> node(w).status().equals("down")
              && APPS.stream().allMatch(app -> runningElsewhere(app, w) == REPLICAS));
      backAt[0] = System.currentTimeMillis();
    }));

    long kill = killedAt[0];
    List<Record> failed = failed(r);
    // Exposed: requests to an app the lost node served, still open at the kill or begun before
    // HAProxy can have marked the lost tasks DOWN.
    List<Record> exposed = r.records().stream()
        .filter(x -> apps.contains(x.target()) && x.endAtMs() >= kill && x.startAtMs() < kill + DETECTION_MS).toList();
    double lastFailedStart = failed.stream().mapToDouble(x -> x.startAtMs() - kill).max().orElse(0);
    System.out.printf("  FIGURES %s cluster: node loss %s (%s): %d failed of %d (%s); %d exposed (open at the kill or begun "
            + "within %d ms); last failed request begun %.0f ms after the kill; every replica running elsewhere after %.1f s; "
            + "2 instances answering again after %s s%n",
        A, w, apps, failed.size(), r.records().size(), errorCounts(failed), exposed.size(), DETECTION_MS, lastFailedStart,
        (backAt[0] - kill) / 1000.0, capacityBack(r, kill));

    assertThat(r.window().exitCode()).as("the kill-and-wait action; error: %s", r.window().error()).isZero();
    assertThat(failed).as("failed requests were to an app of %s (%s), open at the kill or begun within %d ms after it",
        w, apps, DETECTION_MS).allMatch(exposed::contains);
    // Round robin over 2 replicas: the lost node held one of each, so at most half of what was
    // exposed can have gone to it. (Measured: 1 to 13 % of it failed.)
    assertThat(failed.size()).as("failed requests, at most the lost node's half of %d exposed", exposed.size())
        .isLessThanOrEqualTo(exposed.size() / 2);
  }

  @Test
  @Order(61)
  @DisplayName("the lost node rejoins cleanly under traffic: up starts it again, nothing dropped")
  void aLostNodeRejoinsCleanly() {
    String lost = WORKERS.stream().filter(w -> node(w).status().equals("down")).findFirst()
        .orElseGet(() -> {
          // Run alone: lose a worker first, outside the traffic.
          String w = workerWithMostReplicas();
          Lab.must(CMD, "docker", "kill", "zerodrop_a2_" + w);
          await("node " + w + " down").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
              .until(() -> node(w).status().equals("down") && APPS.stream().allMatch(app -> runningElsewhere(app, w) == REPLICAS));
          return w;
        });
    RunResult r = run("node-rejoin", command(Map.of(), "up"));

    Node back = node(lost);
    System.out.printf("  FIGURES %s cluster: %s rejoined (up %.1f s); it runs its proxy and %s app tasks (Swarm moves no running task back)%n",
        A, lost, r.window().durationMillis() / 1000.0, back.apps().isEmpty() ? "no" : back.apps());
    assertThat(r.window().exitCode()).as("up exit code; output:%n%s", r.window().output()).isZero();
    Proofs.assertPass(r);
    assertThat(back.status()).isEqualTo("ready");
    assertThat(back.proxy()).as("proxy tasks running on %s", lost).isEqualTo(1);
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** One line of {@code approach_2/nodes}: running tasks per service on a swarm node. */
  record Node(String name, String role, String status, String availability, int proxy, int goApp, int nodeApp) {
    Set<String> apps() {
      return APPS.stream().filter(a -> (a.equals("go-app") ? goApp : nodeApp) > 0).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    int tasks(String app) {
      return app.equals("go-app") ? goApp : nodeApp;
    }
  }

  static List<Node> nodes() {
    return Lab.must(CMD, A + "/nodes").output().lines().skip(1).map(String::trim).filter(l -> !l.isEmpty())
        .map(l -> l.split("\\s+"))
        .map(f -> new Node(f[0], f[1], f[2], f[3], Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6])))
        .toList();
  }

  static Node node(String name) {
    return nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  /** The worker carrying the most app tasks (at least one: with 2 replicas of each app on 3 nodes, one does). */
  static String workerWithMostReplicas() {
    Node n = nodes().stream().filter(x -> WORKERS.contains(x.name()) && x.status().equals("ready"))
        .max(Comparator.comparingInt(x -> x.goApp() + x.nodeApp())).orElseThrow();
    assertThat(n.goApp() + n.nodeApp()).as("app tasks on the busiest worker %s", n.name()).isPositive();
    return n.name();
  }

  static int runningElsewhere(String app, String lost) {
    return nodes().stream().filter(n -> !n.name().equals(lost) && n.status().equals("ready")).mapToInt(n -> n.tasks(app)).sum();
  }

  /**
   * Setup: {@code app} at 1 replica, on {@code worker}: pinned there by a constraint, then unpinned
   * (the task stays). Waits for where the task runs, not for an update status: a change of
   * constraints alone restarts no task whose node still matches (measured: with the replica already
   * on {@code worker}, Swarm records no update at all).
   */
  void onlyReplicaOn(String app, String worker) {
    Lab.must(CMD, A + "/scale", app, "1");
    String pin = "node.hostname==" + worker;
    Lab.must(CMD, "bash", "-c", ". " + A + "/lib.sh && a2_init && a2d service update --detach --constraint-add '" + pin
        + "' " + SwarmWatch.service(app) + " >/dev/null");
    try {
      await(app + "'s one replica running on " + worker).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
          .until(() -> swarm.runningTasks(app) == 1 && node(worker).tasks(app) == 1 && converged(app));
    } finally {
      unpin(app, pin);
    }
    await(app + " settled after unpinning").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .until(() -> converged(app));
    assertThat(node(worker).tasks(app)).as("%s tasks on %s after pinning", app, worker).isEqualTo(1);
  }

  static void unpin(String app, String constraint) {
    Lab.must(CMD, "bash", "-c", ". " + A + "/lib.sh && a2_init && a2d service update --detach --constraint-rm '" + constraint
        + "' " + SwarmWatch.service(app) + " >/dev/null");
  }

  /** As many running tasks as replicas, all on the spec's image, and no update under way (approach_2/lib.sh). */
  static boolean converged(String app) {
    return Lab.sh(CMD, "bash", "-c", ". " + A + "/lib.sh && a2_init && a2_settled " + app).exitCode() == 0;
  }

  static List<Record> failed(RunResult r) {
    return r.records().stream().filter(Record::failed).toList();
  }

  /** Whole seconds of the upgrade window in which fewer than {@code min} distinct instances of the app answered steady traffic. */
  static long secondsBelow(RunResult r, String app, int min) {
    double start = r.window().startMillis(), end = r.window().endMillis();
    Map<Long, Set<String>> bySecond = r.records().stream()
        .filter(x -> x.ok() && x.target().equals(app) && x.cohort().equals(Record.STEADY))
        .filter(x -> x.startAtMs() >= start && x.startAtMs() < end)
        .collect(Collectors.groupingBy(x -> (long) ((x.startAtMs() - start) / 1000), Collectors.mapping(Record::instance, Collectors.toSet())));
    long seconds = (long) ((end - start) / 1000);
    long below = 0;
    for (long s = 0; s < seconds; s++) {
      if (bySecond.getOrDefault(s, Set.of()).size() < min) below++;
    }
    return below;
  }

  static String secondsBelow(RunResult r) {
    return APPS.stream().map(a -> a + " on fewer than " + REPLICAS + " instances for " + secondsBelow(r, a, REPLICAS) + " s")
        .collect(Collectors.joining(", "));
  }

  /** Seconds from the kill until every app answered from 2 instances again within one second. */
  static String capacityBack(RunResult r, long kill) {
    for (long s = 1; s < 120; s++) {
      long from = kill + s * 1000;
      boolean all = APPS.stream().allMatch(app -> r.records().stream()
          .filter(x -> x.ok() && x.target().equals(app) && x.cohort().equals(Record.STEADY))
          .filter(x -> x.startAtMs() >= from && x.startAtMs() < from + 1000)
          .map(Record::instance).distinct().count() >= REPLICAS);
      if (all) return String.valueOf(s);
    }
    return "n/a";
  }

  static Map<String, Long> errorCounts(List<Record> failed) {
    return failed.stream().collect(Collectors.groupingBy(x -> x.cohort() + ":" + x.error().label(), TreeMap::new, Collectors.counting()));
  }
}
