package dev.zerodrop.harness.approaches;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The apps' HTTP contract (docs/CONVENTIONS.md) checked through an approach's proxy, route by route,
 * with REST Assured — a functional check after {@code up}, never load (its client retries).
 */
final class Routes {
  private static final RestAssuredConfig CONFIG = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
      .setParam("http.connection.timeout", 5_000).setParam("http.socket.timeout", 10_000));

  private Routes() {}

  static void check(URI base, Map<String, String> serving) {
    serving.forEach((app, version) -> {
      String root = "/" + app + "/";
      spec(base).get(root).then().statusCode(200)
          .header("X-App-Version", version)
          .header("X-App-Instance", not(emptyOrNullString()))
          .body(startsWith("Hi! from " + app + " " + version + " ("));
      spec(base).body("hello").post(root).then().statusCode(200).body(startsWith("Hi! from " + app));
      spec(base).get(root + "healthz").then().statusCode(200).body(equalTo("ok"));
      spec(base).get(root + "?sleep=50").then().statusCode(200).body(startsWith("Hi! from " + app));
      spec(base).get(root + "?sleep=soon").then().statusCode(400).body(containsString("bad sleep"));
      spec(base).get(root + "?sleep=86400001").then().statusCode(400).body(containsString("SLEEP_MAX_MS"));
      spec(base).get(root + "no-such-route").then().statusCode(404);
      assertThat(eventStreamType(base.resolve(root + "stream"))).as("%s stream content type", app)
          .startsWith("text/event-stream");
    });
  }

  private static RequestSpecification spec(URI base) {
    return given().config(CONFIG).baseUri(base.toString()).redirects().follow(false);
  }

  /**
   * The stream never ends, and REST Assured reads whole bodies: its head is read with the JDK client,
   * which hands the body over as a stream (closed unread).
   */
  private static String eventStreamType(URI uri) {
    // HTTP/1.1: the JDK client would otherwise ask for an h2c upgrade, which node-app's server hands
    // to its WebSocket handler (404 on any other path).
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
          .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        assertThat(response.statusCode()).as("%s status", uri).isEqualTo(200);
        return response.headers().firstValue("Content-Type").orElse("");
      }
    } catch (IOException e) {
      throw new AssertionError("GET " + uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
