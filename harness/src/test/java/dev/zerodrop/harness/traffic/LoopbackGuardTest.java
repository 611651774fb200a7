package dev.zerodrop.harness.traffic;

import dev.zerodrop.harness.TrafficPlan;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * 192.0.2.1 is TEST-NET-1 (RFC 5737): only validated here, never connected to. A plan that fails
 * validation is never built, so nothing can be sent with it.
 */
class LoopbackGuardTest {

    @Test
    void aNonLoopbackTargetIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> TrafficPlan.builder().target("remote", URI.create("http://192.0.2.1:8080/")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("remote")
                .hasMessageContaining("192.0.2.1")
                .hasMessageContaining("not a loopback address")
                .hasMessageContaining("--allow-remote");
    }

    @Test
    void oneRemoteTargetAmongLoopbackOnesIsEnoughToRefuse() {
        assertThatThrownBy(() -> TrafficPlan.builder()
                .target("local", URI.create("http://127.0.0.1:18081/go-app/"))
                .target("remote", URI.create("http://192.0.2.1/"))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("remote");
    }

    @Test
    void loopbackNamesAndAddressesPass() {
        assertThatCode(() -> TrafficPlan.builder()
                .target("a", URI.create("http://127.0.0.1:18081/"))
                .target("b", URI.create("http://localhost:18082/"))
                .target("c", URI.create("http://127.0.0.2:18083/"))
                .target("d", URI.create("http://[::1]:18084/"))
                .build()).doesNotThrowAnyException();
    }

    @Test
    void allowNonLoopbackLetsARemoteTargetThroughValidation() {
        TrafficPlan plan = TrafficPlan.builder().target("remote", URI.create("http://192.0.2.1/"))
                .allowNonLoopback(true).build();
        assertThat(plan.allowNonLoopback()).isTrue();
    }

    @Test
    void targetsParseNamesFromTheirUrls() {
        assertThat(Target.parse("http://127.0.0.1:18081/go-app/").name()).isEqualTo("go-app");
        assertThat(Target.parse("http://127.0.0.1:18081/").name()).isEqualTo("127.0.0.1");
        assertThat(Target.parse("api=http://127.0.0.1:18081/x?y=1").name()).isEqualTo("api");
        assertThat(Target.parse("http://127.0.0.1:18081/go-app/").resolvePath("stream")).isEqualTo("/go-app/stream");
        assertThat(Target.parse("http://127.0.0.1:18081/go-app").resolvePath("stream")).isEqualTo("/go-app/stream");
        assertThat(Target.parse("http://127.0.0.1:18081/go-app/").resolvePath("/events?x=1")).isEqualTo("/events?x=1");
        assertThat(Target.parse("http://127.0.0.1:18081/go-app/").requests().get(0).withQuery("sleep=10").pathAndQuery())
                .isEqualTo("/go-app/?sleep=10");
        assertThat(Target.parse("https://127.0.0.1/").port()).isEqualTo(443);
        assertThat(Target.parse("http://127.0.0.1/").requests()).as("GET only unless asked")
                .extracting(RequestTemplate::method).containsExactly("GET");
        assertThatThrownBy(() -> Target.parse("ftp://127.0.0.1/")).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> Target.parse("127.0.0.1:8080/")).hasMessageContaining("not a URL");
    }
}
