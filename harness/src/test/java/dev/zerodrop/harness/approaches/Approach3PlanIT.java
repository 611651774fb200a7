package dev.zerodrop.harness.approaches;

import static dev.zerodrop.harness.approaches.Lab.sh;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * approach_3: ECS behind an ALB. No AWS is reachable here, so what is proven here is the plan:
 * {@code approach_3/check} runs fmt, validate and the plan-level {@code terraform test} suite. The
 * live run under traffic is {@link Approach3IT} (the approach contract), skipped without credentials.
 */
@DisplayName("approach_3: ECS + ALB via Terraform, plan level")
class Approach3PlanIT {
  static final Duration CMD = Duration.ofMinutes(10);

  @Test
  @DisplayName("the plan holds every zero-downtime property, and unsafe values are rejected")
  void planLevelTests() {
    Lab.Exec check = sh(CMD, "approach_3/check");
    assertThat(check.exitCode()).as("approach_3/check exit code").isZero();
    String plain = check.output().replaceAll("\u001B\\[[0-9;]*m", "");
    Matcher m = Pattern.compile("Success! (\\d+) passed, 0 failed").matcher(plain);
    assertThat(m.find()).as("terraform test summary in:%n%s", check.output()).isTrue();
    assertThat(Integer.parseInt(m.group(1))).as("plan-level test runs").isGreaterThanOrEqualTo(20);
    assertThat(plain).as("the unsafe-value tests ran").contains("run \"rejects_minimum_healthy_below_100\"... pass");
  }

  @Test
  @DisplayName("bad input and missing credentials fail fast and change nothing")
  void badInputAndNoCredentials() {
    Lab.Exec unknown = sh(CMD, "approach_3/deploy", "go-ap", "v2");
    assertThat(unknown.exitCode()).as("unknown app").isEqualTo(2);
    assertThat(unknown.output()).contains("unknown app 'go-ap'");
    Lab.Exec noVersion = sh(CMD, "approach_3/deploy", "go-app");
    assertThat(noVersion.exitCode()).as("missing version").isEqualTo(2);

    // No credentials at all: every verb must stop before touching anything.
    Map<String, String> noAws = new HashMap<>();
    noAws.put("AWS_ACCESS_KEY_ID", "");
    noAws.put("AWS_SECRET_ACCESS_KEY", "");
    noAws.put("AWS_PROFILE", "zerodrop-no-such-profile");
    noAws.put("AWS_CONFIG_FILE", "/nonexistent");
    noAws.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
    for (String verb : new String[] {"up", "down"}) {
      Lab.Exec e = sh(Duration.ofMinutes(2), noAws, "approach_3/" + verb);
      assertThat(e.exitCode()).as("approach_3/%s without credentials; output:%n%s", verb, e.output()).isEqualTo(3);
    }
    Lab.Exec deploy = sh(Duration.ofMinutes(2), noAws, "approach_3/deploy", "go-app", "v2");
    assertThat(deploy.exitCode()).as("deploy without credentials; output:%n%s", deploy.output()).isEqualTo(3);
  }
}
