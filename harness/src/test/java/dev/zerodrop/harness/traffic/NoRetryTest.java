package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.support.Load;
import dev.zerodrop.harness.support.RawServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server answers the first request on each connection, then reads the second one and closes the
 * connection without answering: the classic keep-alive race of a server that shuts down. Such an
 * attempt must be a recorded failure, and the server must have seen it exactly once.
 */
class NoRetryTest {

    /** Serves request 1 of every connection; swallows request 2 and closes. */
    private static final RawServer.Script CLOSE_AFTER_READING_SECOND = (conn, index) -> {
        if (conn.read() == null) {
            return;
        }
        conn.hello("v1");
        if (conn.read() == null) {
            return;
        }
        conn.close();
    };

    @Test
    void aReusedConnectionClosedAfterTheRequestIsAFailureAndIsNeverRetried() throws Exception {
        try (RawServer server = new RawServer(CLOSE_AFTER_READING_SECOND)) {
            TrafficPlan plan = TrafficPlan.builder()
                    .target("app", server.uri("/"))
                    .rate(80)
                    .baseline(Duration.ZERO)
                    .settle(Duration.ZERO)
                    .build();

            RunResult result = Harness.run(plan, Upgrade.none(Duration.ofMillis(1500)));
            List<Record> records = result.records();

            // Whatever the machine's load: one attempt, seen once, and no PASS.
            assertThat(server.seenBySeq()).as("the server saw every attempt exactly once: no hidden retry")
                    .hasSize(records.size())
                    .allSatisfy((seq, count) -> assertThat(count).as(seq).isEqualTo(1L));
            assertThat(result.verdict().pass()).isFalse();

            // How many requests reuse a connection is the traffic's timing: on a starved machine
            // (seen: 110 of 120 dispatches late, the in-process server accepting too late) only 1 did.
            Load.assumeGeneratorKeptUp(result);
            List<Record> reused = records.stream().filter(r -> r.channel() == Channel.REUSED).toList();
            assertThat(reused).as("requests really went out on reused connections").hasSizeGreaterThan(10);
            assertThat(reused).as("every request on a reused connection met the close, and failed")
                    .allSatisfy(r -> assertThat(r.error()).isIn(ErrorClass.PREMATURE_CLOSE, ErrorClass.RESET));
            assertThat(records.stream().filter(r -> r.channel() == Channel.NEW))
                    .as("first requests on fresh connections were answered").allMatch(Record::ok);
            assertThat(result.verdict().errors().keySet()).containsAnyOf(ErrorClass.PREMATURE_CLOSE, ErrorClass.RESET);
        }
    }

    /**
     * Why the harness does not use the JDK client: on the same server it quietly sends the GET again
     * on a new connection, the caller sees a 200, and the drop is gone from the evidence.
     */
    @Test
    void theJdkHttpClientRetriesTheSameRequestAndHidesTheDrop() throws Exception {
        try (RawServer server = new RawServer(CLOSE_AFTER_READING_SECOND)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            for (int i = 1; i <= 2; i++) {
                HttpRequest request = HttpRequest.newBuilder(server.uri("/"))
                        .header(RequestSpec.SEQ_HEADER, "jdk-" + i)
                        .timeout(Duration.ofSeconds(5))
                        .GET().build();
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("the JDK client reports success for request %d", i).isEqualTo(200);
            }

            assertThat(server.seenBySeq()).as("yet the server saw the second request twice")
                    .containsEntry("jdk-1", 1L)
                    .containsEntry("jdk-2", 2L);
            assertThat(server.connections()).as("the retry used a second connection").isEqualTo(2);
        }
    }
}
