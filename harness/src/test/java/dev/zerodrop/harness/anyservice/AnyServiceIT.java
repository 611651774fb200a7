package dev.zerodrop.harness.anyservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zerodrop.harness.approaches.Lab;
import dev.zerodrop.harness.record.RecordsJson;
import dev.zerodrop.harness.support.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness on a service that is not a lab app, the way a user runs it: the packaged jar, a plain
 * Debian nginx on loopback serving a static page, and the user's own command under traffic. The
 * verdict must say what happened — a graceful reload drops nothing on new connections; stopping
 * nginx is a FAIL with refused connections and no recovery.
 */
@DisplayName("the harness on any service: Debian's nginx with a reload and with a stop")
class AnyServiceIT {
  static final Duration RUN = Duration.ofMinutes(2);

  @TempDir
  Path dir;
  Path prefix;
  int port;

  @BeforeEach
  void startNginx() throws IOException {
    port = Ports.closedPort();
    prefix = Files.createDirectories(dir.resolve("nginx"));
    Files.createDirectories(prefix.resolve("html"));
    Files.writeString(prefix.resolve("html/index.html"), "hello world\n");
    Files.writeString(prefix.resolve("nginx.conf"), String.join("\n",
        "daemon on;",
        "worker_processes 1;",
        "pid " + prefix.resolve("nginx.pid") + ";",
        "error_log " + prefix.resolve("error.log") + ";",
        "events { worker_connections 1024; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + prefix.resolve("tmp") + ";",
        "  keepalive_timeout 65s;",
        "  server {",
        "    listen 127.0.0.1:" + port + ";",
        "    root " + prefix.resolve("html") + ";",
        "  }",
        "}", ""));
    // nginx's workers run as an unprivileged user: they must be able to read the page.
    for (Path p : List.of(dir, prefix, prefix.resolve("html"))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Lab.must(Duration.ofSeconds(30), nginx());
  }

  @AfterEach
  void stopNginx() {
    String[] stop = nginx("-s", "stop");
    Lab.sh(Duration.ofSeconds(30), stop);
  }

  private String[] nginx(String... args) {
    List<String> cmd = new ArrayList<>(List.of("/usr/sbin/nginx", "-p", prefix.toString(), "-c",
        prefix.resolve("nginx.conf").toString()));
    cmd.addAll(List.of(args));
    return cmd.toArray(String[]::new);
  }

  private Lab.Exec harness(Path out, String during) {
    return Lab.sh(RUN, "java", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true", "-jar",
        Lab.ROOT.resolve("harness/target/harness.jar").toString(),
        "--target", "site=http://127.0.0.1:" + port + "/", "--rate", "200", "--expect-body", "hello world",
        "--baseline", "2s", "--settle", "3s", "--during", during,
        "--out", out.toString(), "--junit", out.resolve("junit.xml").toString(), "--quiet");
  }

  private static JsonNode verdict(Path out) throws IOException {
    return RecordsJson.MAPPER.readTree(out.resolve("report.json").toFile()).path("verdict");
  }

  @Test
  @DisplayName("a graceful reload: nothing fails on new connections, and the verdict matches its own records")
  void aReloadIsJudged() throws IOException {
    Path out = dir.resolve("reload");
    String reload = String.join(" ", nginx("-s", "reload")) + " && sleep 2";
    Lab.Exec run = harness(out, reload);

    assertThat(out.resolve("report.json")).as("the run's reports; output:%n%s", run.output()).exists();
    JsonNode v = verdict(out);
    long failed = v.path("failed").asLong();
    System.out.printf("  FIGURES nginx reload under 200 req/s: %d of %d failed %s%n", failed, v.path("total").asLong(),
        v.path("errors"));
    assertThat(v.path("total").asLong()).as("steady traffic flowed").isGreaterThan(900);
    assertThat(v.path("byChannel").path("NEW").path("failed").asLong())
        .as("a graceful reload refuses no new connection").isZero();
    // Old workers close idle keep-alive connections: a request sent on one at that instant is lost.
    // That race is what the verdict must show when it happens, never hide (approach_0's evidence).
    v.path("errors").fieldNames().forEachRemaining(cls ->
        assertThat(cls).as("failure class of a reload").isIn("premature_close", "reset"));
    String outcome = v.path("outcome").asText();
    // A generator starved by a busy machine makes the run INCONCLUSIVE: reported as skipped, never as passed.
    org.junit.jupiter.api.Assumptions.assumeFalse(failed == 0 && outcome.equals("INCONCLUSIVE"),
        () -> "machine too busy to judge: " + v.path("headline").asText());
    assertThat(outcome).isEqualTo(failed == 0 ? "PASS" : "FAIL");
    assertThat(run.exitCode()).as("exit code follows the verdict; output:%n%s", run.output()).isEqualTo(failed == 0 ? 0 : 1);
    assertThat(Files.readString(out.resolve("junit.xml"))).contains("classname=\"zerodrop.site\"");
  }

  @Test
  @DisplayName("nginx stopped by the command: FAIL, refused connections, no recovery")
  void aStopIsCaught() throws IOException {
    Path out = dir.resolve("stop");
    Lab.Exec run = harness(out, String.join(" ", nginx("-s", "stop")) + " && sleep 2");

    assertThat(out.resolve("report.json")).as("the run's reports; output:%n%s", run.output()).exists();
    JsonNode v = verdict(out);
    System.out.printf("  FIGURES nginx stopped under 200 req/s: %s%n", v.path("headline").asText());
    assertThat(run.exitCode()).as("output:%n%s", run.output()).isEqualTo(1);
    assertThat(v.path("outcome").asText()).isEqualTo("FAIL");
    assertThat(v.path("errors").path("refused").asLong()).as("refused connections after the stop").isPositive();
    assertThat(v.path("recovered").asBoolean()).as("nobody started it again").isFalse();
    assertThat(v.path("headline").asText()).contains("not recovered by the end of the run");
    assertThat(Files.readString(out.resolve("junit.xml"))).contains("<failure type=\"refused\"")
        .containsPattern("message=\"\\d+ of \\d+ failed: refused \\d+");
  }
}
