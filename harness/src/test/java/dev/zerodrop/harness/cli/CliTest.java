package dev.zerodrop.harness.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zerodrop.harness.record.RecordsJson;
import dev.zerodrop.harness.support.Load;
import dev.zerodrop.harness.support.Ports;
import dev.zerodrop.harness.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exit codes are the CLI's contract with scripts and CI. */
class CliTest {
    @TempDir
    Path out;

    record Run(int exit, String stdout, String stderr) {
    }

    static Run cli(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int exit = Main.execute(args, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), false);
        return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(cli().exit()).as("no arguments").isEqualTo(2);
        assertThat(cli("--target", "http://127.0.0.1:1/", "--rate", "abc", "--duration", "1s").exit()).isEqualTo(2);
        assertThat(cli("--target", "http://127.0.0.1:1/", "--duration", "1s", "--during", "true").exit())
                .as("--duration and --during together").isEqualTo(2);
        Run badDuration = cli("--target", "http://127.0.0.1:1/", "--duration", "10 parsecs");
        assertThat(badDuration.exit()).isEqualTo(2);
        assertThat(badDuration.stderr()).contains("is not a duration");
        Run remote = cli("--target", "http://192.0.2.1/", "--duration", "1s", "--out", out.toString());
        assertThat(remote.exit()).as("a remote target without --allow-remote").isEqualTo(2);
        assertThat(remote.stderr()).contains("not a loopback address");
    }

    @Test
    void helpDescribesTheExitCodes() {
        Run help = cli("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).contains("--during", "--duration", "--target", "Exit codes", "INCONCLUSIVE", "bench");
    }

    @Test
    void aRefusedTargetBeforeTheCommandExitsTwoAndTheCommandDoesNotRun() {
        Path marker = out.resolve("ran");
        Run run = cli("--target", "http://127.0.0.1:" + Ports.closedPort() + "/", "--rate", "50",
                "--baseline", "1s", "--during", "touch " + marker, "--out", out.toString(), "--quiet");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr()).contains("not healthy before the upgrade").contains("refused");
        assertThat(marker).as("the command never ran").doesNotExist();
    }

    @Test
    void aHealthyServerPassesWithExitZero() {
        try (TestServer server = TestServer.start(r -> TestServer.Reply.hello("v1"))) {
            Run run = cli("--target", "app=" + server.uri("/"), "--rate", "50", "--baseline", "500ms",
                    "--settle", "500ms", "--during", "true", "--out", out.toString());

            Load.assumeNotOverloaded(run.exit(), run.stdout());
            assertThat(run.exit()).as("stdout:%n%s%nstderr:%n%s", run.stdout(), run.stderr()).isZero();
            assertThat(run.stdout()).contains("Requests", "Latencies", "Status Codes", "Error Set:")
                    .containsPattern("(?m)^VERDICT: PASS \\d+ requests, 0 failed");
            assertThat(run.stderr()).contains("==> upgrade: bash -c true");
            assertThat(out.resolve("report.json")).exists();
            assertThat(out.resolve("records.jsonl")).exists();
            assertThat(out.resolve("timeline.png")).exists();
            assertThat(out.resolve("summary.txt")).exists();

            Run again = cli("report", out.toString());
            assertThat(again.stdout()).as("the same verdict line from the files")
                    .isEqualTo(run.stdout());
            assertThat(again.exit()).as("re-judged from its files").isZero();
            assertThat(again.stdout()).containsPattern("(?m)^VERDICT: PASS");
        }
    }

    @Test
    void aServerAnsweringFiveHundredFailsWithExitOne() {
        try (TestServer server = TestServer.start(r -> TestServer.Reply.status(500))) {
            Run run = cli("--target", server.uri("/").toString(), "--rate", "40", "--duration", "500ms",
                    "--out", out.toString(), "--quiet");

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.stdout()).containsPattern("(?m)^VERDICT: FAIL 20 of 20 failed: http_5xx 20");
            assertThat(run.stdout()).contains("500:20");
        }
    }

    @Test
    void durationsReadLikeTheDocsSay() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("3s")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> Durations.parse("3")).hasMessageContaining("not a duration");
        assertThat(new Durations.RangeConverter().convert("10s-20s"))
                .isEqualTo(new Durations.Range(Duration.ofSeconds(10), Duration.ofSeconds(20)));
        assertThatThrownBy(() -> new Durations.RangeConverter().convert("20s-10s")).hasMessageContaining("minimum");
    }

    @Test
    void attackPrintsScheduleFigures() throws Exception {
        try (TestServer server = TestServer.start(r -> TestServer.Reply.hello("v1"))) {
            Run run = cli("attack", "--target", server.uri("/").toString(), "--rate", "200", "--duration", "1s",
                    "--quiet");

            assertThat(run.stdout()).as(run.stderr()).contains("send rate", "on time")
                    .containsPattern("RESULT rate=200 achieved=\\d+");
            assertThat(run.stdout()).contains("ok=200 failed=0 skipped=0");
        }
    }

    @Test
    void benchMeasuresClosedLoopThroughput() {
        try (TestServer server = TestServer.start(r -> TestServer.Reply.hello("v1"))) {
            Run run = cli("bench", "--target", server.uri("/").toString(), "--connections", "4", "--duration", "500ms");

            assertThat(run.exit()).as(run.stdout() + run.stderr()).isZero();
            assertThat(run.stdout()).containsPattern("RESULT rps=\\d+");
            assertThat(Files.exists(out)).isTrue();
        }
    }

    @Test
    void theLabPresetBringsTheLabsMixAndRulesAndOptionsOverrideIt() throws Exception {
        try (TestServer server = TestServer.start(r -> r.uri().startsWith("/go-app/")
                ? TestServer.Reply.hello("go-app", "v1", "g1") : new TestServer.Reply(200, "hello", java.util.Map.of(), 0))) {
            Run run = cli("--preset", "lab", "--base", "http://127.0.0.1:" + server.port(), "--rate", "40",
                    "--long-lived", "0", "--streams", "0", "--websockets", "0", "--duration", "1s",
                    "--out", out.toString(), "--quiet");

            assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
            assertThat(run.stdout()).contains("go-app  http://127.0.0.1:" + server.port() + "/go-app/")
                    .contains("GET 20/10, POST 20/10")
                    .contains("By target                                          go-app 20/0, node-app 20/20")
                    .containsPattern("(?m)^VERDICT: FAIL 20 of 40 failed: wrong_body 20");
            JsonNode report = RecordsJson.MAPPER.readTree(out.resolve("report.json").toFile());
            assertThat(report.path("schemaVersion").asInt()).isEqualTo(2);
            assertThat(report.path("run").path("plan").path("preset").asText()).isEqualTo("lab");
            assertThat(report.path("run").path("plan").path("rules").path("expectBody").asText()).isEqualTo("^Hi! from ");
        }
    }

    @Test
    void aPresetWithoutBaseAndAnUnknownPresetAreClearErrors() {
        assertThat(cli("--preset", "lab", "--duration", "1s").stderr()).contains("--preset lab needs --base URL");
        assertThat(cli("--preset", "prod", "--base", "http://127.0.0.1:1", "--duration", "1s").stderr())
                .contains("unknown preset 'prod'");
        Run noTargets = cli("--duration", "1s");
        assertThat(noTargets.exit()).isEqualTo(2);
        assertThat(noTargets.stderr()).contains("--targets FILE or --preset lab");
        Run badTargets = cli("--targets", out.resolve("none.txt").toString(), "--duration", "1s");
        assertThat(badTargets.exit()).isEqualTo(2);
        assertThat(badTargets.stderr()).contains("cannot read targets file");
        assertThat(cli("--target", "https://127.0.0.1:1/", "--cacert", "x.pem", "--duration", "1s").stderr())
                .contains("cannot read x.pem");
    }

    @Test
    void successRulesAndJunitXmlForAPipeline() throws Exception {
        try (TestServer server = TestServer.start(r -> new TestServer.Reply(204, "", java.util.Map.of(), 0))) {
            Path junit = out.resolve("verdict.xml");
            Run run = cli("--target", "api=" + server.uri("/api"), "--expect-status", "200,204", "--rate", "40",
                    "--duration", "500ms", "--out", out.toString(), "--junit", junit.toString(), "--quiet");

            Load.assumeNotOverloaded(run.exit(), run.stdout());
            assertThat(run.exit()).as(run.stdout()).isZero();
            String xml = Files.readString(junit);
            assertThat(xml).contains("<testsuites name=\"zerodrop-harness\" tests=\"2\" failures=\"0\"")
                    .contains("classname=\"zerodrop.api\" name=\"steady (20 attempts)\"");
        }
    }

    @Test
    void onlyFailedRecordsAreWrittenWhenAskedAndTheReportSaysSo() throws Exception {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        try (TestServer server = TestServer.start(r -> n.incrementAndGet() % 5 == 0
                ? TestServer.Reply.status(503) : TestServer.Reply.hello("v1"))) {
            Run run = cli("--target", server.uri("/").toString(), "--rate", "40", "--duration", "1s",
                    "--records", "failed", "--records-gzip", "--out", out.toString(), "--quiet");

            assertThat(run.exit()).isEqualTo(1);
            assertThat(out.resolve("records.jsonl")).doesNotExist();
            java.util.List<dev.zerodrop.harness.record.Record> written = RecordsJson.readJsonl(out.resolve("records.jsonl.gz"));
            assertThat(written).hasSize(8).allMatch(dev.zerodrop.harness.record.Record::failed);
            assertThat(run.stdout()).contains("only failed written (--records failed)");

            Run again = cli("report", out.toString());
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.stderr()).contains("the verdict stored in report.json (records kept: failed)");
            assertThat(again.stdout()).isEqualTo(run.stdout());
        }
    }

    @Test
    void reportRefusesWhatIsNotARunDirectory() throws Exception {
        Run none = cli("report", out.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.stderr()).contains("not a run's output directory");
        Files.writeString(out.resolve("report.json"), "{\"verdict\": {}}");
        Run old = cli("report", out.toString());
        assertThat(old.exit()).isEqualTo(2);
        assertThat(old.stderr()).contains("schemaVersion 1");
    }

    @Test
    void aFailedDeployIsInconclusiveOnlyWhenAsked() {
        try (TestServer server = TestServer.start(r -> TestServer.Reply.hello("v1"))) {
            Run lenient = cli("--target", server.uri("/").toString(), "--rate", "40", "--baseline", "500ms",
                    "--settle", "500ms", "--during", "exit 3", "--out", out.resolve("a").toString(), "--quiet");
            Load.assumeNotOverloaded(lenient.exit(), lenient.stdout());
            assertThat(lenient.exit()).as("nothing dropped: PASS, with a note").isZero();
            assertThat(lenient.stdout()).contains("[note: upgrade 'bash -c exit 3' exited 3]");

            Run strict = cli("--target", server.uri("/").toString(), "--rate", "40", "--baseline", "500ms",
                    "--settle", "500ms", "--during", "exit 3", "--deploy-must-succeed", "--out", out.resolve("b").toString(),
                    "--quiet");
            assertThat(strict.exit()).isEqualTo(1);
            assertThat(strict.stdout()).containsPattern("(?m)^VERDICT: INCONCLUSIVE .*upgrade 'bash -c exit 3' failed: exit code 3");
        }
    }

    @Test
    void methodsAndBodiesGoWithTargetsOnly() {
        Run run = cli("--targets", out.resolve("t.txt").toString(), "--method", "POST", "--duration", "1s");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr()).contains("--method and --body apply to --target targets");
    }
}
