package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.Presets;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.support.RawServer;
import dev.zerodrop.harness.support.TestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Each way an answer can be wrong lands in its own error class. */
class ErrorClassTest {

    static Stream<Arguments> badAnswers() {
        return Stream.of(
                Arguments.of("500", TestServer.Reply.status(500), ErrorClass.HTTP_5XX, 500),
                Arguments.of("503", TestServer.Reply.status(503), ErrorClass.HTTP_5XX, 503),
                Arguments.of("404", TestServer.Reply.status(404), ErrorClass.HTTP_4XX, 404),
                Arguments.of("wrong body", new TestServer.Reply(200, "<html>default site</html>", Map.of(), 0),
                        ErrorClass.WRONG_BODY, 200));
    }

    @ParameterizedTest(name = "{0} → {2}")
    @MethodSource("badAnswers")
    void everyBadAnswerIsAFailureOfItsClass(String name, TestServer.Reply reply, ErrorClass expected, int status) {
        try (TestServer server = TestServer.start(r -> reply)) {
            RunResult result = Harness.run(plan(server.uri("/").toString(), 40), Upgrade.none(Duration.ofMillis(500)));

            assertThat(result.records()).hasSize(20).allSatisfy(r -> {
                assertThat(r.error()).isEqualTo(expected);
                assertThat(r.status()).isEqualTo(status);
            });
            assertThat(result.verdict().pass()).isFalse();
            assertThat(result.verdict().errors()).containsOnlyKeys(expected);
        }
    }

    @Test
    void noResponseWithinTheTimeoutIsTimeout() {
        try (TestServer server = TestServer.start(r -> TestServer.Reply.hello("v1").delayed(3000))) {
            TrafficPlan plan = TrafficPlan.builder().target("app", server.uri("/")).rate(20)
                    .baseline(Duration.ZERO).settle(Duration.ZERO).requestTimeout(Duration.ofMillis(300)).build();

            RunResult result = Harness.run(plan, Upgrade.none(Duration.ofMillis(500)));

            assertThat(result.records()).hasSize(10).allSatisfy(r -> {
                assertThat(r.error()).isEqualTo(ErrorClass.TIMEOUT);
                assertThat(r.endAtMs() - r.startAtMs()).as("gave up at the timeout").isBetween(290.0, 1000.0);
            });
        }
    }

    @Test
    void aResponseTooLargeIsOtherAndItsHeadNeverReachesTheRecord() {
        String body = "x".repeat(2 << 20);
        try (TestServer server = TestServer.start(r -> new TestServer.Reply(200, body,
                java.util.Map.of("Set-Cookie", "session=s3cr3t"), 0))) {
            RunResult result = Harness.run(plan(server.uri("/").toString(), 20), Upgrade.none(Duration.ofMillis(500)));

            assertThat(result.records()).hasSize(10).allSatisfy(r -> {
                assertThat(r.error()).isEqualTo(ErrorClass.OTHER);
                assertThat(r.message()).contains("response too large").doesNotContain("s3cr3t");
            });
        }
    }

    @Test
    void aConnectionResetBeforeTheAnswerIsReset() throws Exception {
        try (RawServer server = new RawServer((conn, index) -> {
            if (conn.read() != null) {
                conn.reset();
            }
        })) {
            RunResult result = Harness.run(plan(server.uri("/").toString(), 40), Upgrade.none(Duration.ofMillis(500)));

            assertThat(result.records()).hasSize(20).extracting(Record::error).containsOnly(ErrorClass.RESET);
        }
    }

    @Test
    void aResponseCutOffMidBodyIsPrematureClose() throws Exception {
        try (RawServer server = new RawServer((conn, index) -> {
            if (conn.read() != null) {
                conn.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHi! from half");
                conn.close();
            }
        })) {
            RunResult result = Harness.run(plan(server.uri("/").toString(), 40), Upgrade.none(Duration.ofMillis(500)));

            assertThat(result.records()).hasSize(20).extracting(Record::error).containsOnly(ErrorClass.PREMATURE_CLOSE);
        }
    }

    /** The lab's rules: a 200 must carry the apps' greeting. */
    private static TrafficPlan plan(String uri, int rate) {
        return TrafficPlan.builder().target(Target.parse("app=" + uri)).rate(rate).rules(Presets.labRules())
                .baseline(Duration.ZERO).settle(Duration.ZERO).build();
    }
}
