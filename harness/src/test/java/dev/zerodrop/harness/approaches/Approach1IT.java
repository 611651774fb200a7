package dev.zerodrop.harness.approaches;

import static dev.zerodrop.harness.approaches.Lab.must;
import static dev.zerodrop.harness.approaches.Lab.sh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * approach_1: Docker Compose behind HAProxy. The claim — `approach_1/deploy-apps` upgrades both
 * apps under traffic with zero failed requests — is proven here, and so is the harness's ability
 * to see the drops of the naive way (the negative control).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("approach_1: Docker Compose + HAProxy")
class Approach1IT {
  static final String A = "approach_1";
  static final Duration CMD = Duration.ofMinutes(10);
  final TrafficPlan traffic = Lab.standardTraffic(18081);

  @BeforeAll
  void up() {
    // Tolerate whatever an earlier (maybe failed) run left behind: start from nothing.
    sh(CMD, "approach_1/down");
    // Releases are built before the clock starts, as a pipeline would: the rollout is measured,
    // not the compiler.
    for (String app : new String[] {"go-app", "node-app"}) {
      must(CMD, "apps/build", app, "v1");
      must(CMD, "apps/build", app, "v2");
    }
    must(CMD, "apps/build", "go-app", "v3", "--broken");
    must(CMD, "approach_1/up");
  }

  @AfterAll
  void down() {
    sh(CMD, "approach_1/down");
  }

  @Test
  @Order(1)
  @DisplayName("bad input gets a clear error and changes nothing")
  void badInputChangesNothing() {
    String before = must(CMD, "docker", "ps", "-q", "--filter", "label=com.docker.compose.project=zerodrop_a1").output();

    Lab.Exec unknown = sh(CMD, "approach_1/deploy-apps", "go-ap", "v2");
    assertThat(unknown.exitCode()).as("unknown app exits 2").isEqualTo(2);
    assertThat(unknown.output()).contains("unknown app 'go-ap'");

    Lab.Exec noVersion = sh(CMD, "approach_1/deploy-apps", "go-app");
    assertThat(noVersion.exitCode()).as("missing version exits 2").isEqualTo(2);
    assertThat(noVersion.output()).contains("missing");

    Lab.Exec noEngine = sh(CMD, Map.of("DOCKER_HOST", "unix:///nonexistent.sock"), "approach_1/deploy-apps", "go-app", "v2");
    assertThat(noEngine.exitCode()).as("engine not answering exits 3").isEqualTo(3);
    assertThat(noEngine.output()).contains("Docker engine does not answer");

    String after = must(CMD, "docker", "ps", "-q", "--filter", "label=com.docker.compose.project=zerodrop_a1").output();
    assertThat(after).as("the same containers run after rejected input").isEqualTo(before);
  }

  @Test
  @Order(2)
  @DisplayName("deploy-apps go-app node-app v2 under traffic drops nothing")
  void rollingDeployDropsNothing() {
    RunResult r = Lab.run(A, "deploy-v2", traffic, Lab.command("approach_1/deploy-apps", "go-app", "node-app", "v2"));

    assertThat(r.window().exitCode()).as("deploy-apps exit code; output:%n%s", r.window().output()).isZero();
    Proofs.assertZeroDrop(r, "v1", "v2");
    Proofs.figures(A, r, 15);
  }

  @Test
  @Order(3)
  @DisplayName("a release that never turns healthy is aborted; v2 keeps serving, nothing dropped")
  void badReleaseAbortsWithoutDrops() {
    ensureVersion("v2");
    RunResult r = Lab.run(A, "bad-release-v3", traffic, Lab.command("approach_1/deploy-apps", "go-app", "v3"));

    assertThat(r.window().exitCode()).as("deploy of a broken release must fail").isNotZero();
    assertThat(r.window().output()).contains("did not become healthy").contains("old ones kept serving");
    Proofs.assertPass(r);
    Proofs.assertOnlyVersion(r, "v2");
    assertThat(must(CMD, "docker", "ps", "--filter", "label=com.docker.compose.service=go-app",
        "--filter", "label=com.docker.compose.project=zerodrop_a1", "--format", "{{.Image}}").output().strip().split("\n"))
        .as("go-app replicas after the aborted deploy").containsOnly("zerodrop/go-app:v2").hasSize(2);
  }

  @Test
  @Order(4)
  @DisplayName("negative control: the naive recreate drops requests, and the harness sees it")
  void naiveDeployIsCaught() {
    ensureVersion("v2");
    RunResult r = Lab.run(A, "negative-control-naive", traffic, Lab.command("approach_1/naive-deploy", "go-app", "node-app", "v1"));

    assertThat(r.window().exitCode()).as("the naive deploy itself 'succeeds'; output:%n%s", r.window().output()).isZero();
    Proofs.assertCaughtDrops(r);
  }

  /** Brings both apps to {@code version} without traffic when an earlier test left them elsewhere. */
  private void ensureVersion(String version) {
    String images = must(CMD, "docker", "ps", "--filter", "label=com.docker.compose.project=zerodrop_a1",
        "--filter", "label=com.docker.compose.service", "--format", "{{.Image}}").output();
    boolean allThere = images.lines().filter(l -> l.contains("-app:")).allMatch(l -> l.endsWith(":" + version));
    if (!allThere) must(CMD, "approach_1/deploy-apps", "go-app", "node-app", version);
  }
}
