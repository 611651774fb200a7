package dev.zerodrop.harness.approaches;

import dev.zerodrop.harness.TrafficPlan;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;

/**
 * approach_3 live: ECS behind an ALB in the user's own AWS account, under the approach contract. It
 * creates billable resources, so it runs only with {@code ZERODROP_AWS=1} and credentials; otherwise
 * every test is reported skipped with that reason — never passed. Not run on the lab's machines.
 */
@DisplayName("approach_3: ECS + ALB via Terraform, live (opt-in)")
class Approach3IT implements ApproachContract {
  @Override
  public String folder() {
    return "approach_3";
  }

  @Override
  public int port() {
    return 0;
  }

  @Override
  public Optional<String> unavailable() {
    return "1".equals(System.getenv("ZERODROP_AWS")) ? Optional.empty()
        : Optional.of("the live ECS run needs ZERODROP_AWS=1 and AWS credentials (it creates billable resources)");
  }

  @Override
  public Map<String, String> notReadyEnv() {
    return Map.of("AWS_ACCESS_KEY_ID", "", "AWS_SECRET_ACCESS_KEY", "", "AWS_PROFILE", "zerodrop-no-such-profile",
        "AWS_CONFIG_FILE", "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
  }

  @Override
  public String notReadyMessage() {
    return "credentials";
  }

  /** The version in each service's current task definition (its image tag). */
  @Override
  public Map<String, String> serving() {
    Map<String, String> versions = new TreeMap<>();
    for (String app : APPS) {
      String image = Lab.must(CMD, "bash", "-c", "set -euo pipefail; o=$(terraform -chdir=approach_3 output -json); "
          + "c=$(jq -r .cluster_name.value <<<\"$o\"); r=$(jq -r .region.value <<<\"$o\"); "
          + "s=$(jq -r '.service_names.value.\"" + app + "\"' <<<\"$o\"); "
          + "td=$(aws ecs describe-services --region \"$r\" --cluster \"$c\" --services \"$s\" "
          + "--query 'services[0].taskDefinition' --output text); "
          + "aws ecs describe-task-definition --region \"$r\" --task-definition \"$td\" "
          + "--query 'taskDefinition.containerDefinitions[0].image' --output text").output().strip();
      versions.put(app, image.substring(image.lastIndexOf(':') + 1));
    }
    return versions;
  }

  /** Its unsafe deploys are caught at plan level (approach_3/tests/mutate), not live. */
  @Override
  public boolean hasNegativeControl() {
    return false;
  }

  @Override
  public List<String> badReleaseSays() {
    return List.of("rolled back");
  }

  @Override
  public double rolloutGoalSeconds() {
    return 300;
  }

  /** The ALB's address from the Terraform outputs. */
  @Override
  public URI base() {
    return URI.create("http://" + Lab.must(CMD, "terraform", "-chdir=approach_3", "output", "-raw", "alb_dns_name")
        .output().strip());
  }

  /** The one exception to "loopback only": the user opted in to their own AWS account's ALB. */
  @Override
  public TrafficPlan traffic() {
    return Lab.standardTraffic(base())
        .baseline(Duration.ofSeconds(5)).settle(Duration.ofSeconds(30))
        .requestTimeout(Duration.ofSeconds(10)).maxDuration(Duration.ofMinutes(25))
        .allowNonLoopback(true).build();
  }
}
