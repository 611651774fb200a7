package dev.zerodrop.harness.rules;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.support.TestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Success rules and version sources, each against an in-process server that breaks it: every rule
 * passes a server that meets it and fails one that does not.
 */
class RulesTest {
    private static RunResult run(TestServer server, AnswerRules rules) {
        TrafficPlan plan = TrafficPlan.builder().target("svc", server.uri("/")).rate(40).rules(rules)
                .baseline(Duration.ZERO).settle(Duration.ZERO).build();
        return Harness.run(plan, Upgrade.none(Duration.ofMillis(250)));
    }

    private static TestServer server(int status, String body, Map<String, String> headers) {
        return TestServer.start(r -> new TestServer.Reply(status, body, headers, 0));
    }

    @Test
    void anyServerAnsweringTwoHundredPassesTheDefaultRules() {
        try (TestServer s = server(200, "hello world", Map.of())) {
            RunResult r = run(s, AnswerRules.defaults());
            assertThat(r.records()).hasSize(10).allMatch(Record::ok);
            assertThat(r.records()).as("no version header: no version, never a guess").allMatch(x -> x.version() == null);
            assertThat(r.verdict().switchOver()).as("no switch-over figures without versions").isEmpty();
            assertThat(r.verdict().rolloutMillis()).isNull();
        }
    }

    @Test
    void expectStatusTakesCodesClassesAndRanges() {
        try (TestServer s = server(204, "", Map.of())) {
            assertThat(run(s, AnswerRules.defaults().withStatus(StatusSet.parse("200,204"))).records()).allMatch(Record::ok);
            assertThat(run(s, AnswerRules.defaults().withStatus(StatusSet.parse("200-299"))).records()).allMatch(Record::ok);
            RunResult only200 = run(s, AnswerRules.defaults().withStatus(StatusSet.parse("200")));
            assertThat(only200.records()).extracting(Record::error).containsOnly(ErrorClass.UNEXPECTED_STATUS);
            assertThat(only200.records().get(0).message()).isEqualTo("HTTP 204 (expected 200)");
        }
        try (TestServer s = server(404, "gone", Map.of())) {
            assertThat(run(s, AnswerRules.defaults().withStatus(StatusSet.parse("2xx,404"))).records()).allMatch(Record::ok);
            assertThat(run(s, AnswerRules.defaults()).records()).extracting(Record::error).containsOnly(ErrorClass.HTTP_4XX);
        }
        assertThatThrownBy(() -> StatusSet.parse("2xx,abc")).hasMessageContaining("'abc'");
        assertThatThrownBy(() -> StatusSet.parse("299-200")).hasMessageContaining("not a status");
        assertThatThrownBy(() -> StatusSet.parse("700")).hasMessageContaining("not a status");
    }

    @Test
    void expectBodyNeedsAMatchSomewhereInTheBody() {
        try (TestServer s = server(200, "<html>status: ready</html>", Map.of())) {
            assertThat(run(s, AnswerRules.defaults().withBody(Pattern.compile("status: ready"))).records()).allMatch(Record::ok);
            RunResult wrong = run(s, AnswerRules.defaults().withBody(Pattern.compile("^Hi! from ")));
            assertThat(wrong.records()).extracting(Record::error).containsOnly(ErrorClass.WRONG_BODY);
            assertThat(wrong.records().get(0).message()).isEqualTo("body: <html>status: ready</html>");
        }
    }

    @Test
    void expectHeaderNeedsTheHeaderAndAMatchAndNeverEchoesItsValue() {
        try (TestServer s = server(200, "ok", Map.of("X-Served-By", "blue-7"))) {
            assertThat(run(s, AnswerRules.defaults().withHeader("x-served-by", Pattern.compile("^(blue|green)-"))).records())
                    .allMatch(Record::ok);
            RunResult mismatch = run(s, AnswerRules.defaults().withHeader("X-Served-By", Pattern.compile("^green")));
            assertThat(mismatch.records()).extracting(Record::error).containsOnly(ErrorClass.WRONG_HEADER);
            assertThat(mismatch.records().get(0).message()).isEqualTo("header X-Served-By does not match /^green/")
                    .doesNotContain("blue-7");
            RunResult missing = run(s, AnswerRules.defaults().withHeader("X-Other", Pattern.compile(".")));
            assertThat(missing.records().get(0).message()).isEqualTo("header X-Other missing");
        }
        assertThatThrownBy(() -> AnswerRules.parseHeaderRule("NoEquals")).hasMessageContaining("NAME=REGEX");
    }

    @Test
    void theVersionComesFromAHeaderABodyRegexOrAJsonPointer() {
        try (TestServer s = server(200, "{\"build\":{\"version\":\"2.4.1\"}} (served by pod-7)", Map.of("X-Release", "r42"))) {
            assertThat(run(s, AnswerRules.defaults().withVersionFrom(List.of(ValueSource.parse("header:X-Release")))).records())
                    .extracting(Record::version).containsOnly("r42");
            assertThat(run(s, AnswerRules.defaults().withVersionFrom(List.of(ValueSource.parse("body:\"version\":\"([^\"]+)\""))))
                    .records()).extracting(Record::version).containsOnly("2.4.1");
            RunResult instance = run(s, AnswerRules.defaults().withInstanceFrom(List.of(ValueSource.parse("body:by (?<v>pod-\\d+)"))));
            assertThat(instance.records()).extracting(Record::instance).containsOnly("pod-7");
        }
        try (TestServer s = server(200, "{\"build\":{\"version\":\"2.4.1\"}}", Map.of())) {
            assertThat(run(s, AnswerRules.defaults().withVersionFrom(List.of(ValueSource.parse("json:/build/version")))).records())
                    .extracting(Record::version).containsOnly("2.4.1");
            assertThat(run(s, AnswerRules.defaults().withVersionFrom(
                    List.of(ValueSource.parse("header:X-Missing"), ValueSource.parse("json:/build/version")))).records())
                    .as("sources are tried in order").extracting(Record::version).containsOnly("2.4.1");
            assertThat(run(s, AnswerRules.defaults().withVersionFrom(List.of(ValueSource.parse("json:/nope")))).records())
                    .extracting(Record::version).containsOnly((String) null);
        }
    }

    @Test
    void badSourcesAreClearErrors() {
        assertThatThrownBy(() -> ValueSource.parse("cookie:x")).hasMessageContaining("header:NAME");
        assertThatThrownBy(() -> ValueSource.parse("body:no-group")).hasMessageContaining("group");
        assertThatThrownBy(() -> ValueSource.parse("body:(")).hasMessageContaining("not a regex");
        assertThatThrownBy(() -> ValueSource.parse("json:version")).hasMessageContaining("JSON pointer");
        assertThatThrownBy(() -> ValueSource.parse("header:")).hasMessageContaining("not a value source");
    }
}
