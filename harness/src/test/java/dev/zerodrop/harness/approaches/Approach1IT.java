package dev.zerodrop.harness.approaches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zerodrop.harness.RunResult;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;

/**
 * approach_1: Docker Compose behind HAProxy. The claim — {@code approach_1/deploy} upgrades both apps
 * under traffic with zero failed requests — and the negative control ({@code --force-recreate}) are
 * the contract's; what is approach_1's own: it reads versions from the running replicas' images.
 */
@DisplayName("approach_1: Docker Compose + HAProxy")
class Approach1IT implements ApproachContract {
  static final String PROJECT = "zerodrop_a1";

  @Override
  public String folder() {
    return "approach_1";
  }

  @Override
  public int port() {
    return 18081;
  }

  /** app → version, from the running replicas' image tags (one version per app when settled). */
  @Override
  public Map<String, String> serving() {
    Map<String, String> versions = new TreeMap<>();
    for (String app : APPS) {
      String images = Lab.must(CMD, "docker", "ps", "--filter", "label=com.docker.compose.project=" + PROJECT,
          "--filter", "label=com.docker.compose.service=" + app, "--format", "{{.Image}}").output().strip();
      String version = images.lines().map(l -> l.substring(l.lastIndexOf(':') + 1)).distinct()
          .reduce((a, b) -> a + "+" + b).orElse("none");
      versions.put(app, version);
    }
    return versions;
  }

  @Override
  public List<String> badReleaseSays() {
    return List.of("did not become healthy", "old ones kept serving");
  }

  @Override
  public double rolloutGoalSeconds() {
    return 15;
  }

  @Override
  public void afterBadRelease(RunResult r) {
    assertThat(Lab.must(CMD, "docker", "ps", "--filter", "label=com.docker.compose.service=go-app",
        "--filter", "label=com.docker.compose.project=" + PROJECT, "--format", "{{.Image}}").output().strip().split("\n"))
        .as("go-app replicas after the aborted deploy").containsOnly("zerodrop/go-app:v2").hasSize(2);
  }
}
