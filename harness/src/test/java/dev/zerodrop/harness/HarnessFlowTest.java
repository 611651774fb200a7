package dev.zerodrop.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RecordsJson;
import dev.zerodrop.harness.report.ReportFiles;
import dev.zerodrop.harness.report.Reports;
import dev.zerodrop.harness.support.FakeApp;
import dev.zerodrop.harness.support.Load;
import dev.zerodrop.harness.verdict.SwitchOver;
import dev.zerodrop.harness.ws.WebSocketSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole run the way an approach IT does it, against two in-process apps that upgrade cleanly:
 * baseline, long-lived requests and streams opened, the upgrade, settle, drain, verdict, reports.
 */
class HarnessFlowTest {
    @TempDir
    Path dir;

    private static TrafficPlan.Builder plan(FakeApp go, FakeApp node) {
        // The in-process apps speak HTTP and SSE, not WebSocket (WebSocketStreamTest covers that cohort).
        return Presets.lab(URI.create("http://127.0.0.1:1")).clearTargets().cohort(WebSocketSpec.lab(0))
                .progress(ProgressSink.lines(System.err))
                .target("go-app", go.uri())
                .target("node-app", node.uri())
                .rate(200)
                .longLived(4, Duration.ofMillis(600), Duration.ofMillis(900))
                .streams(4)
                .streamInterval(Duration.ofMillis(100))
                .baseline(Duration.ofMillis(500))
                .settle(Duration.ofMillis(500))
                .requestTimeout(Duration.ofSeconds(2))
                .maxDuration(Duration.ofSeconds(30));
    }

    @Test
    void aCleanUpgradePassesAndEveryCohortShowsTheSwitch() throws Exception {
        try (FakeApp go = new FakeApp("go-app", "v1", 100); FakeApp node = new FakeApp("node-app", "v1", 100)) {
            RunResult r = Harness.run(plan(go, node).build(), Upgrade.action("upgrade both to v2", () -> {
                Thread.sleep(200);
                go.upgrade("v2");
                node.upgrade("v2");
                Thread.sleep(300);
            }));

            Load.assertPassUnlessMachineOverloaded(r);
            assertThat(r.window().exitCode()).isZero();
            assertThat(r.window().durationMillis()).isBetween(450.0, 5000.0);

            List<Record> longs = r.records().stream().filter(x -> x.cohort().equals("long")).toList();
            assertThat(longs).hasSize(4).allSatisfy(x -> {
                assertThat(x.ok()).isTrue();
                assertThat(x.version()).as("begun before the upgrade, answered by the old version").isEqualTo("v1");
                assertThat(x.endAtMs()).as("still in flight when the upgrade started").isGreaterThan(r.window().startMillis());
            });
            assertThat(longs).extracting(Record::target).containsOnly("go-app", "node-app");

            Map<Integer, List<Record>> streams = r.records().stream().filter(x -> x.cohort().equals("stream"))
                    .collect(Collectors.groupingBy(x -> x.segment().stream(), TreeMap::new, Collectors.toList()));
            assertThat(streams).hasSize(4);
            streams.forEach((id, segments) -> {
                assertThat(segments).as("stream %d: reconnected once, resumed", id).hasSize(2).allMatch(Record::ok);
                assertThat(segments.get(0).version()).isEqualTo("v1");
                assertThat(segments.get(1).version()).isEqualTo("v2");
                assertThat(segments.get(1).segment().firstSeq()).isEqualTo(segments.get(0).segment().lastSeq() + 1);
            });

            for (String target : List.of("go-app", "node-app")) {
                SwitchOver s = r.verdict().switchOver().get(target);
                assertThat(s.oldVersions()).containsExactly("v1");
                assertThat(s.newVersions()).containsExactly("v2");
                assertThat(s.rolloutMillis()).as("%s rollout", target).isBetween(100.0, 2000.0);
            }
            assertThat(r.verdict().byChannel().values()).allSatisfy(t -> assertThat(t.total()).isPositive());

            ReportFiles files = Reports.write(r, dir);
            assertThat(files.all()).allSatisfy(f -> assertThat(f).isNotEmptyFile());
            BufferedImage png = ImageIO.read(files.timelinePng().toFile());
            assertThat(png.getWidth()).isEqualTo(1200);
            assertThat(png.getHeight()).isEqualTo(dev.zerodrop.harness.report.Timeline.HEIGHT);
            assertThat(RecordsJson.readJsonl(files.recordsJsonl())).isEqualTo(r.records());
            JsonNode report = RecordsJson.MAPPER.readTree(files.reportJson().toFile());
            assertThat(report.path("verdict").path("outcome").asText()).isEqualTo("PASS");
            assertThat(report.path("run").path("window").path("name").asText()).isEqualTo("upgrade both to v2");
            assertThat(report.path("run").path("generator").path("sent").asLong()).isEqualTo(r.generator().sent());
            assertThat(report.path("run").path("targets").path("go-app").asText()).isEqualTo(go.uri().toString());
            assertThat(Files.readString(files.summaryTxt())).contains("VERDICT: PASS");
            AllureAttachments.attach(r, dir, "flow");
        }
    }

    @Test
    void anUpgradeThatThrowsIsRecordedAndTrafficStillStops() throws Exception {
        try (FakeApp go = new FakeApp("go-app", "v1", 100); FakeApp node = new FakeApp("node-app", "v1", 100)) {
            TrafficPlan plan = plan(go, node).longLived(0, Duration.ZERO, Duration.ZERO).streams(0).build();

            RunResult r = Harness.run(plan, Upgrade.action("broken", () -> {
                throw new IllegalStateException("deploy tool crashed");
            }));

            assertThat(r.window().exitCode()).isEqualTo(-1);
            assertThat(r.window().error()).contains("deploy tool crashed");
            assertThat(r.verdict().failed()).isZero();
            assertThat(r.verdict().headline()).contains("[note: upgrade 'broken' failed: java.lang.IllegalStateException");
            assertThat(r.records()).isNotEmpty();
            assertThat(r.endedAtMillis() - r.window().endMillis()).as("traffic settled, then stopped")
                    .isBetween(400.0, 5000.0);
        }
    }

    @Test
    void aCommandsOutputIsCapturedAndEchoedWithAPrefix() throws Exception {
        ByteArrayOutputStream echo = new ByteArrayOutputStream();
        try (FakeApp go = new FakeApp("go-app", "v1", 100); FakeApp node = new FakeApp("node-app", "v1", 100)) {
            TrafficPlan plan = plan(go, node).longLived(0, Duration.ZERO, Duration.ZERO).streams(0)
                    .progress(ProgressSink.lines(new PrintStream(echo, true, StandardCharsets.UTF_8))).build();

            RunResult r = Harness.run(plan, Upgrade.command(List.of("bash", "-c", "echo deploying; echo oops >&2; exit 3"),
                    dir, Map.of()));

            assertThat(r.window().exitCode()).isEqualTo(3);
            assertThat(r.window().output()).isEqualTo("deploying\noops\n");
            assertThat(echo.toString(StandardCharsets.UTF_8)).contains("[upgrade] deploying", "[upgrade] oops");
        }
    }

    @Test
    void theMaxDurationKillsAHangingUpgradeAndTheRunIsInconclusive() throws Exception {
        try (FakeApp go = new FakeApp("go-app", "v1", 100); FakeApp node = new FakeApp("node-app", "v1", 100)) {
            TrafficPlan plan = plan(go, node).longLived(0, Duration.ZERO, Duration.ZERO).streams(0)
                    .maxDuration(Duration.ofSeconds(2)).build();
            long start = System.nanoTime();

            RunResult r = Harness.run(plan, Upgrade.command(List.of("sleep", "30"), dir, Map.of()));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(r.window().exitCode()).isEqualTo(-1);
            assertThat(r.window().error()).contains("killed");
            assertThat(r.generator().stoppedByMaxDuration()).isTrue();
            assertThat(r.verdict().pass()).isFalse();
            assertThat(r.verdict().inconclusiveReasons()).contains("the run hit its max duration");
        }
    }
}
