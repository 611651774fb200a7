package dev.zerodrop.harness.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zerodrop.harness.approaches.Lab;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The app images drain under {@code docker stop}, not only the processes: the image's signal
 * handling (PID 1, STOPSIGNAL) is what an orchestrator meets. With a request in flight, an SSE stream
 * and a WebSocket open, {@code docker stop} must end with the request answered, the stream told to
 * reconnect, the socket closed with 1012, and exit 0 well before the stop timeout.
 */
@DisplayName("app images drain under docker stop (Testcontainers)")
class AppImagesIT {
  static final int STOP_TIMEOUT_S = 30;

  @BeforeAll
  static void images() {
    for (String app : new String[] {"go-app", "node-app"}) {
      Lab.must(Duration.ofMinutes(10), "apps/build", app, "v1");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"go-app", "node-app"})
  void dockerStopDrainsTheImage(String app) throws Exception {
    try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse("zerodrop/" + app + ":v1"))
        .withExposedPorts(8080)
        .withEnv("DRAIN_DELAY_MS", "1000")
        .withEnv("DRAIN_TIMEOUT_MS", "15000")
        .waitingFor(Wait.forHttp("/healthz").forStatusCode(200).withStartupTimeout(Duration.ofSeconds(60)))) {
      container.start();
      URI base = URI.create("http://localhost:" + container.getMappedPort(8080));
      HttpClient client = HttpClient.newHttpClient();

      CompletableFuture<HttpResponse<String>> longRequest = client.sendAsync(
          HttpRequest.newBuilder(base.resolve("/?sleep=4000")).build(), HttpResponse.BodyHandlers.ofString());

      HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(base.resolve("/stream"))
          .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
      CountDownLatch firstEvent = new CountDownLatch(1);
      AtomicReference<String> sseEnd = new AtomicReference<>("");
      Thread reader = new Thread(() -> readEvents(stream.body(), firstEvent, sseEnd), "sse-reader");
      reader.start();

      AtomicInteger closeCode = new AtomicInteger(-1);
      AtomicReference<String> closeReason = new AtomicReference<>();
      CountDownLatch wsTicked = new CountDownLatch(1);
      CountDownLatch wsClosed = new CountDownLatch(1);
      client.newWebSocketBuilder().buildAsync(URI.create("ws://localhost:" + container.getMappedPort(8080) + "/ws"),
          new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
              wsTicked.countDown();
              ws.request(1);
              return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
              closeCode.set(code);
              closeReason.set(reason);
              wsClosed.countDown();
              return null;
            }
          }).get(10, TimeUnit.SECONDS);

      assertThat(firstEvent.await(10, TimeUnit.SECONDS)).as("the stream's first event").isTrue();
      assertThat(wsTicked.await(10, TimeUnit.SECONDS)).as("the WebSocket's first tick").isTrue();

      long start = System.nanoTime();
      container.getDockerClient().stopContainerCmd(container.getContainerId()).withTimeout(STOP_TIMEOUT_S).exec();
      double seconds = (System.nanoTime() - start) / 1e9;
      Long exit = container.getDockerClient().inspectContainerCmd(container.getContainerId()).exec().getState()
          .getExitCodeLong();

      System.out.printf("  FIGURES %s image: docker stop took %.1f s (timeout %d s), exit %d%n", app, seconds,
          STOP_TIMEOUT_S, exit);
      HttpResponse<String> answered = longRequest.get(10, TimeUnit.SECONDS);
      assertThat(answered.statusCode()).as("the request in flight at the stop").isEqualTo(200);
      assertThat(answered.body()).startsWith("Hi! from " + app + " v1");
      reader.join(10_000);
      assertThat(sseEnd.get()).as("how the SSE stream ended").isEqualTo("reconnect");
      assertThat(wsClosed.await(10, TimeUnit.SECONDS)).as("the WebSocket got a close frame").isTrue();
      assertThat(closeCode.get()).as("close code (reason %s)", closeReason.get()).isEqualTo(1012);
      assertThat(exit).as("the image's exit code after docker stop").isZero();
      assertThat(seconds).as("stopped by its own drain, not by Docker's SIGKILL").isLessThan(STOP_TIMEOUT_S - 5);
    }
  }

  private static void readEvents(InputStream body, CountDownLatch firstEvent, AtomicReference<String> end) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("event: tick")) {
          firstEvent.countDown();
        } else if (line.startsWith("event: reconnect")) {
          end.set("reconnect");
        }
      }
      end.compareAndSet("", "closed without reconnect");
    } catch (java.io.IOException e) {
      end.compareAndSet("", "cut: " + e);
    }
  }
}
