package dev.zerodrop.harness.approaches;

import static dev.zerodrop.harness.approaches.Lab.sh;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * approach_4: Kubernetes (Deployment, Service, Ingress, PodDisruptionBudget). No control plane can
 * run on the lab's machines, so what is proven here is the manifests: {@code approach_4/check}
 * renders every overlay, validates every object against the Kubernetes schema with unknown fields
 * rejected and checks each zero-downtime property; {@code approach_4/tests/mutate} shows each
 * check fails when its setting is made unsafe. The live proof under traffic is {@link Approach4IT}
 * (the approach contract), skipped without a cluster.
 */
@DisplayName("approach_4: Kubernetes manifests, offline proof")
class Approach4PlanIT {
  static final Duration CMD = Duration.ofMinutes(10);

  @Test
  @DisplayName("every overlay renders, matches the Kubernetes schema and holds every zero-downtime property")
  void manifestsHoldEveryProperty() {
    Lab.Exec check = sh(CMD, "approach_4/check");
    assertThat(check.exitCode()).as("approach_4/check exit code; output:%n%s", check.output()).isZero();
    Matcher m = Pattern.compile("(?m)^(\\d+) passed, 0 failed$").matcher(check.output());
    assertThat(m.find()).as("the test summary in:%n%s", check.output()).isTrue();
    assertThat(Integer.parseInt(m.group(1))).as("schema and policy tests").isGreaterThanOrEqualTo(40);
    assertThat(check.output()).as("the schema check's own negative controls ran")
        .contains("the schema check rejects typos, wrong types, bad enum values, missing fields and unknown kinds");
  }

  @Test
  @DisplayName("every unsafe value is caught (mutation test of the offline proof)")
  void everyMutantIsKilled() {
    Lab.Exec mutate = sh(CMD, "approach_4/tests/mutate");
    assertThat(mutate.exitCode()).as("approach_4/tests/mutate exit code; output:%n%s", mutate.output()).isZero();
    Matcher m = Pattern.compile("(?m)^(\\d+) killed, 0 not$").matcher(mutate.output());
    assertThat(m.find()).as("the mutation summary in:%n%s", mutate.output()).isTrue();
    int killed = Integer.parseInt(m.group(1));
    assertThat(killed).as("mutants killed").isGreaterThanOrEqualTo(50);
    assertThat(mutate.output()).as("the unmodified copy passed every check (the control)")
        .contains("clean     Control: the unmodified manifests pass every check")
        .contains("All " + killed + " mutants killed")
        .doesNotContain("SURVIVED").doesNotContain("WRONG").doesNotContain("DIRTY");
  }

  @Test
  @DisplayName("bad input exits 2 and a missing cluster exits 3, before anything changes")
  void badInputAndNoCluster() {
    Lab.Exec unknown = sh(CMD, "approach_4/deploy", "go-ap", "v2");
    assertThat(unknown.exitCode()).as("unknown app; output:%n%s", unknown.output()).isEqualTo(2);
    assertThat(unknown.output()).contains("unknown app 'go-ap'");
    Lab.Exec noVersion = sh(CMD, "approach_4/deploy-apps", "go-app");
    assertThat(noVersion.exitCode()).as("missing version; output:%n%s", noVersion.output()).isEqualTo(2);
    assertThat(noVersion.output()).contains("missing");
    Lab.Exec extra = sh(CMD, "approach_4/up", "now");
    assertThat(extra.exitCode()).as("up with an argument; output:%n%s", extra.output()).isEqualTo(2);

    // A kubeconfig that is not there: every verb stops with 3 whatever this machine has installed.
    Map<String, String> noCluster = Map.of("ZERODROP_KUBECONFIG", "/nonexistent/kubeconfig");
    for (String[] verb : new String[][] {{"up"}, {"deploy", "go-app", "v2"}, {"naive-deploy", "go-app", "v2"}, {"down"}}) {
      String[] cmd = verb.clone();
      cmd[0] = "approach_4/" + verb[0];
      Lab.Exec e = sh(Duration.ofMinutes(2), noCluster, cmd);
      assertThat(e.exitCode()).as("%s without a cluster; output:%n%s", String.join(" ", cmd), e.output()).isEqualTo(3);
      assertThat(e.output()).contains("is not a readable kubeconfig file");
    }

    // Without kind (the lab's machines): the verbs say what is missing.
    if (sh(CMD, "bash", "-c", "command -v kind").exitCode() != 0) {
      Lab.Exec e = sh(Duration.ofMinutes(2), Map.of("ZERODROP_KUBECONFIG", ""), "approach_4/deploy", "go-app", "v2");
      assertThat(e.exitCode()).as("deploy without kind; output:%n%s", e.output()).isEqualTo(3);
      assertThat(e.output()).contains("kind is not installed");
    }
  }
}
