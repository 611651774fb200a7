package dev.zerodrop.harness.approaches;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;

/**
 * approach_4 live: Kubernetes under the approach contract — a kind cluster made by
 * {@code approach_4/up} (ingress-nginx on 127.0.0.1:18084), or the cluster in
 * {@code ZERODROP_KUBECONFIG} (images pushed to {@code ZERODROP_REGISTRY}; its ingress must answer on
 * 127.0.0.1:18084, e.g. through an SSH tunnel: the harness sends traffic to loopback only). Without
 * either, every test is reported skipped with that reason — never passed. The lab's machines have
 * neither: the offline proof there is {@link Approach4PlanIT}.
 */
@DisplayName("approach_4: Kubernetes (kind or ZERODROP_KUBECONFIG), live")
class Approach4IT implements ApproachContract {
  /** kind/cluster.yaml's node image; kind cannot create the cluster offline without it. */
  static final String KIND_NODE_IMAGE =
      "kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0";

  static boolean kubeconfig() {
    String k = System.getenv("ZERODROP_KUBECONFIG");
    return k != null && !k.isBlank();
  }

  @Override
  public String folder() {
    return "approach_4";
  }

  @Override
  public int port() {
    return 18084;
  }

  @Override
  public Optional<String> unavailable() {
    if (kubeconfig()) {
      return System.getenv("ZERODROP_REGISTRY") == null
          ? Optional.of("ZERODROP_KUBECONFIG is set but ZERODROP_REGISTRY is not (the cluster pulls the apps' images from it)")
          : Optional.empty();
    }
    if (Lab.sh(CMD, "bash", "-c", "command -v kind").exitCode() != 0) {
      return Optional.of("no Kubernetes cluster: kind is not installed and ZERODROP_KUBECONFIG is not set "
          + "(the offline proof of approach_4 is Approach4PlanIT)");
    }
    if (Lab.sh(CMD, "docker", "image", "inspect", KIND_NODE_IMAGE).exitCode() != 0) {
      return Optional.of("kind is installed but its node image " + KIND_NODE_IMAGE + " is not in Docker "
          + "(pull it with internet access, or set ZERODROP_KUBECONFIG)");
    }
    return Optional.empty();
  }

  /** A kubeconfig that is not there: every verb must stop with exit 3 before it changes anything. */
  @Override
  public Map<String, String> notReadyEnv() {
    return Map.of("ZERODROP_KUBECONFIG", "/nonexistent/kubeconfig");
  }

  @Override
  public String notReadyMessage() {
    return "is not a readable kubeconfig file";
  }

  /**
   * app → version of its ready pods that are not terminating (image tags, joined with '+' while two
   * releases serve), read with the same pinned kubectl and cluster the verbs use.
   */
  @Override
  public Map<String, String> serving() {
    String cluster = kubeconfig() ? "--kubeconfig \"$ZERODROP_KUBECONFIG\"" : "--context kind-zerodrop";
    Map<String, String> versions = new TreeMap<>();
    for (String app : APPS) {
      String out = Lab.must(CMD, "bash", "-c", "approach_4/.tools/kubectl " + cluster
          + " -n zerodrop get pods -l app.kubernetes.io/name=" + app + " -o jsonpath='{range .items[*]}"
          + "{.spec.containers[0].image}{\" \"}{.status.conditions[?(@.type==\"Ready\")].status}"
          + "{\" \"}{.metadata.deletionTimestamp}{\"\\n\"}{end}'").output();
      String version = out.lines().map(l -> l.strip().split(" "))
          .filter(f -> f.length == 2 && f[1].equals("True"))
          .map(f -> f[0].substring(f[0].lastIndexOf(':') + 1)).distinct().sorted()
          .reduce((a, b) -> a + "+" + b).orElse("none");
      versions.put(app, version);
    }
    return versions;
  }

  @Override
  public List<String> badReleaseSays() {
    return List.of("did not become ready", "rolled go-app back");
  }

  /** Two pods one after the other, each: start, readiness, then minReadySeconds (10 s). */
  @Override
  public double rolloutGoalSeconds() {
    return 45;
  }
}
