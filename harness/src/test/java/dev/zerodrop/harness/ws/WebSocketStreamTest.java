package dev.zerodrop.harness.ws;

import dev.zerodrop.harness.Presets;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.stream.SegmentedStream;
import dev.zerodrop.harness.support.WsServer;
import dev.zerodrop.harness.traffic.Connector;
import dev.zerodrop.harness.traffic.Target;
import dev.zerodrop.harness.traffic.TimeBase;
import dev.zerodrop.harness.traffic.Tls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Tests of the tester for WebSockets: a cut, a gap after a resume, a clean 1012 and resume; a cut is never reconnected. */
class WebSocketStreamTest {
    private static final long TICK = 50;

    private final List<Record> records = new CopyOnWriteArrayList<>();
    private final Connector connector = new Connector(1, Duration.ofSeconds(1), Tls.defaults(), List.of(), TimeBase.start());

    @AfterEach
    void closeConnector() {
        connector.close();
    }

    private WebSocketStream socket(WsServer server) {
        Target target = Target.parse("ws-app=" + server.uri("/"));
        WebSocketSpec lab = WebSocketSpec.lab(1);
        SegmentedStream.Settings settings = new SegmentedStream.Settings(WebSocketSpec.NAME, WebSocketStream.WS_CUT,
                WebSocketStream.WS_GAP, Duration.ofMillis(600), SegmentedStream.IdRule.CONSECUTIVE);
        WebSocketStream.Options options = new WebSocketStream.Options(target.resolvePath("ws"), lab.resume(),
                lab.cleanCodes(), Presets.labRules(), List.of(), lab.seq(), lab.version(), lab.instance());
        return new WebSocketStream(0, target, connector, settings, options, records::add, new AtomicLong());
    }

    @Test
    void aSocketDroppedWithoutACloseFrameIsCutAndNotReconnected() throws Exception {
        try (WsServer server = new WsServer((conn, index) -> {
            conn.ticks(1, 3, "v1", TICK);
            conn.drop();
        })) {
            WebSocketStream socket = socket(server);
            socket.start();
            assertThat(socket.awaitFirstEvent(Duration.ofSeconds(2))).isNull();
            await().atMost(Duration.ofSeconds(3)).until(() -> !socket.alive());

            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.cohort()).isEqualTo("ws");
                assertThat(r.error()).isEqualTo(WebSocketStream.WS_CUT);
                assertThat(r.message()).contains("without a close frame (1006)");
                assertThat(r.segment().events()).isEqualTo(3);
                assertThat(r.segment().lastSeq()).isEqualTo(3);
                assertThat(r.status()).isEqualTo(101);
            });
            assertThat(server.connections()).as("a cut socket is never reconnected: that would hide the drop").isEqualTo(1);
        }
    }

    @Test
    void aCleanServiceRestartCloseAndAGaplessResumeAreNotFailures() throws Exception {
        try (WsServer server = new WsServer((conn, index) -> {
            if (index == 1) {
                conn.ticks(1, 3, "v1", TICK);
                conn.close(1012, "{\"lastSeq\":3}");
                return;
            }
            conn.ticks(conn.last() + 1, conn.last() + 100, "v2", TICK);
        })) {
            WebSocketStream socket = socket(server);
            socket.start();
            await().atMost(Duration.ofSeconds(3)).until(() -> server.connections() == 2 && socket.eventsSeen() >= 6);
            socket.stop(Duration.ofSeconds(2));

            assertThat(records).hasSize(2).allMatch(Record::ok);
            assertThat(records.get(0).message()).startsWith("close 1012");
            assertThat(records.get(0).version()).isEqualTo("v1");
            assertThat(records.get(1).segment().firstSeq()).as("resumed with ?last=3").isEqualTo(4);
            assertThat(records.get(1).version()).isEqualTo("v2");
            assertThat(records.get(1).message()).isEqualTo("closed by harness");
        }
    }

    @Test
    void aResumeThatSkipsMessagesIsAGap() throws Exception {
        try (WsServer server = new WsServer((conn, index) -> {
            if (index == 1) {
                conn.ticks(1, 3, "v1", TICK);
                conn.close(1001, "going away");
                return;
            }
            conn.ticks(9, 100, "v2", TICK);
        })) {
            WebSocketStream socket = socket(server);
            socket.start();
            await().atMost(Duration.ofSeconds(3)).until(() -> server.connections() == 2 && socket.eventsSeen() >= 5);
            socket.stop(Duration.ofSeconds(2));

            assertThat(records).hasSize(2);
            assertThat(records.get(0).error()).isEqualTo(ErrorClass.NONE);
            assertThat(records.get(1).error()).isEqualTo(WebSocketStream.WS_GAP);
            assertThat(records.get(1).message()).contains("resumed after 3 the next event was 9");
        }
    }

    @Test
    void anotherCloseCodeIsACutWithTheCodeInTheMessage() throws Exception {
        try (WsServer server = new WsServer((conn, index) -> {
            conn.ticks(1, 2, "v1", TICK);
            conn.close(1011, "internal error");
        })) {
            WebSocketStream socket = socket(server);
            socket.start();
            await().atMost(Duration.ofSeconds(3)).until(() -> !socket.alive());

            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.error()).isEqualTo(WebSocketStream.WS_CUT);
                assertThat(r.message()).startsWith("close 1011 internal error");
            });
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void aSilentSocketIsCutAfterThreeIntervals() throws Exception {
        try (WsServer server = new WsServer((conn, index) -> {
            conn.tick(1, "v1");
            Thread.sleep(5_000);
        })) {
            WebSocketStream socket = socket(server);
            socket.start();
            await().atMost(Duration.ofSeconds(3)).until(() -> !socket.alive());

            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.error()).isEqualTo(WebSocketStream.WS_CUT);
                assertThat(r.message()).startsWith("no event for");
            });
        }
    }

    @Test
    void aFailedResumeIsRecordedAndNotRetried() throws Exception {
        try (WsServer server = new WsServer((conn, index) -> {
            if (index == 1) {
                conn.ticks(1, 2, "v1", TICK);
                conn.close(1012, "{\"lastSeq\":2}");
                return;
            }
            conn.drop(); // the resumed socket dies at once
        })) {
            WebSocketStream socket = socket(server);
            socket.start();
            await().atMost(Duration.ofSeconds(3)).until(() -> !socket.alive());

            assertThat(records).hasSize(2);
            assertThat(records.get(0).ok()).isTrue();
            assertThat(records.get(1).error()).isEqualTo(WebSocketStream.WS_CUT);
            assertThat(records.get(1).message()).contains("after 0 messages");
            assertThat(server.connections()).as("the failed resume was not retried").isEqualTo(2);
        }
    }
}
