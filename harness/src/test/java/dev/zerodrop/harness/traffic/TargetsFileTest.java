package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** vegeta's targets format: method and URL, headers (values from the environment), a body file. */
class TargetsFileTest {
    @TempDir
    Path dir;

    private static final Map<String, String> ENV = Map.of("TOKEN", "s3cr3t-token");

    @Test
    void entriesBecomeTargetsWithTheirMethodsHeadersAndBodies() throws Exception {
        Path body = Files.writeString(dir.resolve("item.json"), "{\"name\":\"lamp\"}");
        ConcurrentLinkedQueue<TestServer.Request> seen = new ConcurrentLinkedQueue<>();
        try (TestServer server = TestServer.start(r -> {
            seen.add(r);
            return new TestServer.Reply(r.method().equals("POST") ? 201 : 200, "ok", Map.of(), 0);
        })) {
            List<String> lines = List.of(
                    "# the read path",
                    "GET " + server.uri("/api/items?limit=5"),
                    "Authorization: Bearer ${TOKEN}",
                    "",
                    "POST " + server.uri("/api/items"),
                    "Content-Type: application/json",
                    "@" + body);
            List<Target> targets = TargetsFile.parse(lines, "targets.txt", ENV::get, Path.of(""));

            assertThat(targets).extracting(Target::name).containsExactly("GET items", "POST items");
            assertThat(targets.get(0).requests().get(0).describe()).isEqualTo("GET /api/items?limit=5 [Authorization]");

            TrafficPlan.Builder plan = TrafficPlan.builder().rate(40).baseline(Duration.ZERO).settle(Duration.ZERO);
            targets.forEach(plan::target);
            RunResult r = Harness.run(plan.build(), Upgrade.none(Duration.ofMillis(500)));

            assertThat(r.records()).hasSize(20).allMatch(Record::ok);
            assertThat(r.verdict().byMethod()).containsOnlyKeys("GET", "POST");
            TestServer.Request get = seen.stream().filter(x -> x.method().equals("GET")).findFirst().orElseThrow();
            assertThat(get.uri()).isEqualTo("/api/items?limit=5");
            assertThat(get.header("Authorization")).isEqualTo("Bearer s3cr3t-token");
            TestServer.Request post = seen.stream().filter(x -> x.method().equals("POST")).findFirst().orElseThrow();
            assertThat(post.body()).isEqualTo("{\"name\":\"lamp\"}");
            assertThat(post.header("Content-Type")).isEqualTo("application/json");
            assertThat(post.header("Authorization")).as("headers belong to their entry").isNull();
        }
    }

    @Test
    void aPlainListOfRequestLinesNeedsNoBlankLines() {
        List<Target> targets = TargetsFile.parse(List.of("GET http://127.0.0.1:1/a", "GET http://127.0.0.1:1/b",
                "X-Trace: on", "HEAD http://127.0.0.1:1/c"), "t.txt", ENV::get, dir);
        assertThat(targets).extracting(Target::name).containsExactly("a", "b", "c");
        assertThat(targets.get(1).requests().get(0).describe()).isEqualTo("GET /b [X-Trace]");
        assertThat(targets.get(2).requests().get(0).method()).isEqualTo("HEAD");
    }

    @Test
    void malformedFilesSayWhereAndWhat() {
        assertThatThrownBy(() -> TargetsFile.parse(List.of("GET"), "t.txt", ENV::get, dir))
                .hasMessageContaining("t.txt:1").hasMessageContaining("expected 'METHOD URL'");
        assertThatThrownBy(() -> TargetsFile.parse(List.of("get http://127.0.0.1/"), "t.txt", ENV::get, dir))
                .hasMessageContaining("not an HTTP method");
        assertThatThrownBy(() -> TargetsFile.parse(List.of("GET 127.0.0.1/x"), "t.txt", ENV::get, dir))
                .hasMessageContaining("t.txt:1").hasMessageContaining("not a URL");
        assertThatThrownBy(() -> TargetsFile.parse(List.of("GET http://127.0.0.1/", "X-Token: ${NOPE}"), "t.txt",
                ENV::get, dir)).hasMessageContaining("t.txt:2").hasMessageContaining("NOPE is not set");
        assertThatThrownBy(() -> TargetsFile.parse(List.of("POST http://127.0.0.1/", "@missing.json"), "t.txt",
                ENV::get, dir)).hasMessageContaining("cannot read body file");
        assertThatThrownBy(() -> TargetsFile.parse(List.of("# nothing"), "t.txt", ENV::get, dir))
                .hasMessageContaining("no targets");
        assertThatThrownBy(() -> TargetsFile.parse(List.of("GET http://127.0.0.1/", "Bad Header Line"), "t.txt",
                ENV::get, dir)).hasMessageContaining("not a header");
    }

    @Test
    void aHeaderValueNeverShowsInADescriptionOrAnError() {
        RequestTemplate.Header h = RequestTemplate.parseHeader("Authorization: Bearer ${TOKEN}", ENV::get);
        assertThat(h.value()).isEqualTo("Bearer s3cr3t-token");
        assertThat(h.toString()).doesNotContain("s3cr3t");
        RequestTemplate t = RequestTemplate.get("/").withHeaders(List.of(h));
        assertThat(t.describe()).isEqualTo("GET / [Authorization]");
        assertThat(t.toString()).doesNotContain("s3cr3t");
    }
}
