package dev.zerodrop.harness.anyservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zerodrop.harness.approaches.Lab;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.support.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The harness as an image, built from the lab's base: it runs as non-root and judges a service on the host's loopback. */
@DisplayName("the harness image: docker run --network host zerodrop/harness")
class HarnessImageIT {
  static final String VERSION = RunInfo.HARNESS.substring(RunInfo.HARNESS.lastIndexOf(' ') + 1);

  @Test
  @DisplayName("built from the base image, non-root, and a run against a loopback server passes")
  void theImageJudgesALoopbackService() {
    Lab.must(Duration.ofMinutes(10), "harness/build-image");
    assertThat(Lab.must(Duration.ofSeconds(30), "docker", "image", "inspect", "-f", "{{.Config.User}}",
        "zerodrop/harness:" + VERSION).output().strip()).as("the image's user").isEqualTo("10001:10001");

    try (TestServer server = TestServer.start(r -> TestServer.Reply.hello("v1"))) {
      Lab.Exec run = Lab.sh(Duration.ofMinutes(2), "docker", "run", "--rm", "--network", "host",
          "zerodrop/harness", "--target", "app=" + server.uri("/"), "--rate", "50", "--duration", "1s",
          "--out", "/tmp/run", "--quiet");

      assertThat(run.output()).containsPattern("(?m)^VERDICT: (PASS|INCONCLUSIVE) 50 requests, 0 failed");
      assertThat(server.requests()).as("every request reached the server on the host's loopback").isEqualTo(50);
      if (run.output().contains("VERDICT: PASS")) {
        assertThat(run.exitCode()).isZero();
      }
    }
  }
}
