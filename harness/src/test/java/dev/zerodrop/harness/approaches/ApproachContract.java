package dev.zerodrop.harness.approaches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The proofs every approach owes, written once. An approach IT implements this interface and gives
 * only what differs — its folder, port, how to read what serves, what its deploy says when it stops a
 * bad release — plus proofs of its own as ordinary test methods (ordered between these).
 * {@link ApproachExtension} brings the approach up before the first test and always down after the
 * last one, failed or not; every run's traffic stops inside the harness whatever happens.
 *
 * <p>Orders: 10 bad input, 15 routes, 20 deploy, 30 bad release, 90 naive deploy. The verdicts come
 * from the harness's records, never from the orchestrator's own idea of success.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ApproachExtension.class)
public interface ApproachContract {
  Duration CMD = Duration.ofMinutes(10);
  List<String> APPS = List.of("go-app", "node-app");

  // ---- what differs --------------------------------------------------------------------------

  /** {@code approach_1}: the folder with the verbs, and the reports' folder name. */
  String folder();

  /** The proxy's port on 127.0.0.1 (docs/CONVENTIONS.md); 0 when the approach is not local. */
  int port();

  /** app → version each app serves now, read the approach's own way (containers, units, services). */
  Map<String, String> serving();

  /** Environment for every verb (approach_0: Vagrant's Docker provider). */
  default Map<String, String> env() {
    return Map.of();
  }

  /** Why this approach cannot run here (no cloud credentials, no cluster), or empty. Tests are then skipped with it. */
  default Optional<String> unavailable() {
    return Optional.empty();
  }

  /** Builds what the approach deploys before the clock starts (a pipeline builds before it deploys). */
  default void prepare() {
    for (String app : APPS) {
      Lab.must(CMD, "apps/build", app, "v1");
      Lab.must(CMD, "apps/build", app, "v2");
    }
  }

  /** How the approach is brought up before the tests: its own {@code up} verb. */
  default String[] upCommand() {
    return new String[] {folder() + "/up"};
  }

  /** After {@code up}, before the first test (connect an SSH session, a Docker watcher...). */
  default void afterUp() {
  }

  /** Before {@code down}, even when a test failed. */
  default void beforeDown() {
  }

  /** An environment in which the verbs must stop with exit 3 ("not ready"), and what they then say. */
  default Map<String, String> notReadyEnv() {
    return Map.of("DOCKER_HOST", "unix:///nonexistent.sock");
  }

  default String notReadyMessage() {
    return "Docker engine does not answer";
  }

  /** Whether the approach has a naive deploy the harness must catch (approach_3's are plan-level mutants). */
  default boolean hasNegativeControl() {
    return true;
  }

  /** What the deploy's output says when it stopped the bad release. */
  List<String> badReleaseSays();

  /** Rollout goal per app, printed beside the measured figure (not asserted). */
  default double rolloutGoalSeconds() {
    return 30;
  }

  /** Where the proxy answers: 127.0.0.1 and the approach's port. */
  default URI base() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** The standard traffic against this approach. */
  default TrafficPlan traffic() {
    return Lab.standardTraffic(base()).build();
  }

  /** Runs one scenario under the standard traffic; an approach may wrap it (Swarm records its own timeline). */
  default RunResult run(String scenario, Upgrade upgrade) {
    return Lab.run(folder(), scenario, traffic(), upgrade);
  }

  /** Right before the clean deploy, both apps at v1 (record what {@link #afterDeploy} compares with). */
  default void beforeDeploy() {
  }

  /** Extra checks after the clean deploy (approach_0: nginx was never reloaded). */
  default void afterDeploy(RunResult r) {
  }

  /** Right before the bad release, both apps at v2. */
  default void beforeBadRelease() {
  }

  /** Extra checks after the refused bad release (approach_1: two v2 replicas). */
  default void afterBadRelease(RunResult r) {
  }

  // ---- helpers -------------------------------------------------------------------------------

  default Lab.Exec verb(String verb, String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = folder() + "/" + verb;
    System.arraycopy(args, 0, cmd, 1, args.length);
    return Lab.sh(CMD, env(), cmd);
  }

  default Upgrade command(Map<String, String> extraEnv, String verb, String... args) {
    Map<String, String> all = new HashMap<>(env());
    all.putAll(extraEnv);
    String[] cmd = new String[args.length + 1];
    cmd[0] = folder() + "/" + verb;
    System.arraycopy(args, 0, cmd, 1, args.length);
    return Lab.command(all, cmd);
  }

  /** Brings both apps to {@code version} without traffic when an earlier test left them elsewhere. */
  default void ensureVersion(String version) {
    if (!serving().values().stream().allMatch(version::equals) || serving().size() != APPS.size()) {
      Lab.must(CMD, env(), folder() + "/deploy", "go-app", "node-app", version);
    }
  }

  // ---- the shared proofs ---------------------------------------------------------------------

  @Test
  @Order(10)
  @DisplayName("bad input gets a clear error and changes nothing")
  default void badInputChangesNothing() {
    Map<String, String> before = serving();

    Lab.Exec unknown = verb("deploy", "go-ap", "v2");
    assertThat(unknown.exitCode()).as("unknown app exits 2; output:%n%s", unknown.output()).isEqualTo(2);
    assertThat(unknown.output()).contains("unknown app 'go-ap'");

    Lab.Exec noVersion = verb("deploy", "go-app");
    assertThat(noVersion.exitCode()).as("missing version exits 2; output:%n%s", noVersion.output()).isEqualTo(2);
    assertThat(noVersion.output()).contains("missing");

    Lab.Exec badVersion = verb("deploy", "go-app", "v2;rm");
    assertThat(badVersion.exitCode()).as("invalid version exits 2; output:%n%s", badVersion.output()).isEqualTo(2);
    assertThat(badVersion.output()).contains("invalid version");

    Map<String, String> notReady = new HashMap<>(env());
    notReady.putAll(notReadyEnv());
    Lab.Exec down = Lab.sh(CMD, notReady, folder() + "/deploy", "go-app", "v2");
    assertThat(down.exitCode()).as("environment not ready exits 3; output:%n%s", down.output()).isEqualTo(3);
    assertThat(down.output()).contains(notReadyMessage());

    assertThat(serving()).as("the same releases serve after rejected input").isEqualTo(before);
  }

  @Test
  @Order(15)
  @DisplayName("every route of the apps' contract answers through the proxy")
  default void everyRouteAnswersThroughTheProxy() {
    Routes.check(base(), serving());
  }

  @Test
  @Order(20)
  @DisplayName("deploying both apps under the standard traffic drops nothing")
  default void deployingBothAppsDropsNothing() {
    ensureVersion("v1");
    beforeDeploy();
    RunResult r = run("deploy-v2", command(Map.of(), "deploy", "go-app", "node-app", "v2"));

    Proofs.figures(folder(), r, rolloutGoalSeconds()); // first: the figures matter most when an assertion fails
    assertThat(r.window().exitCode()).as("deploy exit code; output:%n%s", r.window().output()).isZero();
    Proofs.assertZeroDrop(r, "v1", "v2");
    assertThat(serving()).as("what serves after the deploy").isEqualTo(Map.of("go-app", "v2", "node-app", "v2"));
    afterDeploy(r);
  }

  @Test
  @Order(30)
  @DisplayName("a release that never turns healthy is stopped: zero drops, the old version keeps serving")
  default void aBadReleaseIsStoppedWithZeroDrops() {
    ensureVersion("v2");
    Map<String, String> before = serving();
    beforeBadRelease();
    // The lab switch every approach honours: ZD_BROKEN=1 builds the release with FAIL_HEALTH=true.
    RunResult r = run("bad-release-v3", command(Map.of("ZD_BROKEN", "1"), "deploy", "go-app", "v3"));

    System.out.printf("  FIGURES %s: bad release v3 stopped in %.1f s (deploy command)%n", folder(),
        r.window().durationMillis() / 1000.0);
    assertThat(r.window().exitCode()).as("deploy of a broken release must fail; output:%n%s", r.window().output())
        .isNotZero();
    assertThat(r.window().output()).contains(badReleaseSays());
    Proofs.assertPass(r);
    Proofs.assertOnlyVersion(r, "v2");
    assertThat(serving()).as("what serves after the refused release").isEqualTo(before);
    afterBadRelease(r);
  }

  @Test
  @Order(90)
  @DisplayName("negative control: the naive deploy drops requests, and the harness sees it")
  default void theNaiveDeployIsCaught() {
    org.junit.jupiter.api.Assumptions.assumeTrue(hasNegativeControl(),
        () -> folder() + " has no naive deploy: its negative controls are elsewhere (see its README)");
    ensureVersion("v2");
    RunResult r = run("negative-control-naive", command(Map.of(), "naive-deploy", "go-app", "node-app", "v1"));

    assertThat(r.window().exitCode()).as("the naive deploy itself 'succeeds'; output:%n%s", r.window().output())
        .isZero();
    Proofs.assertCaughtDrops(r);
  }
}
