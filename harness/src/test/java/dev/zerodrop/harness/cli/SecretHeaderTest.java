package dev.zerodrop.harness.cli;

import dev.zerodrop.harness.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A token given as {@code --header 'Authorization: Bearer ${TOKEN}'} reaches the server and appears
 * in no report file: the CLI runs as its own process, with the token only in its environment.
 */
class SecretHeaderTest {
    private static final String SECRET = "zd-secret-9f3c1a7e";

    @TempDir
    Path out;

    @Test
    void aHeaderValueFromTheEnvironmentIsSentAndNeverWrittenAnywhere() throws Exception {
        AtomicInteger withToken = new AtomicInteger();
        AtomicInteger n = new AtomicInteger();
        // Every third request fails, so failed records, examples and JUnit failures exist too.
        try (TestServer server = TestServer.start(r -> {
            if (("Bearer " + SECRET).equals(r.header("Authorization"))) {
                withToken.incrementAndGet();
            }
            return n.incrementAndGet() % 3 == 0 ? TestServer.Reply.status(503) : TestServer.Reply.hello("v1");
        })) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "--target", "app=" + server.uri("/"), "--header", "Authorization: Bearer ${ZD_TEST_TOKEN}",
                    "--rate", "40", "--duration", "500ms", "--out", out.toString(),
                    "--junit", out.resolve("junit.xml").toString(), "--quiet")
                    .redirectErrorStream(true);
            pb.environment().put("ZD_TEST_TOKEN", SECRET);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(p.exitValue()).as(output).isEqualTo(1);
            assertThat(withToken.get()).as("the server got the token on every request").isEqualTo(20);
            assertThat(output).doesNotContain(SECRET);
            List<Path> files;
            try (Stream<Path> all = Files.walk(out)) {
                files = all.filter(Files::isRegularFile).toList();
            }
            assertThat(files).extracting(f -> f.getFileName().toString())
                    .contains("report.json", "records.jsonl", "summary.txt", "timeline.png", "junit.xml");
            for (Path f : files) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(text).as("%s", f.getFileName()).doesNotContain(SECRET);
            }
            assertThat(Files.readString(out.resolve("report.json"))).as("the header's name is reported")
                    .contains("[Authorization]");
        }
    }

    @Test
    void anUnsetVariableStopsTheRunBeforeAnyTraffic() {
        try (TestServer server = TestServer.start(r -> TestServer.Reply.hello("v1"))) {
            CliTest.Run run = CliTest.cli("--target", server.uri("/").toString(), "--header",
                    "X-Token: ${ZD_SURELY_UNSET_VARIABLE}", "--duration", "1s", "--out", out.toString());
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.stderr()).contains("ZD_SURELY_UNSET_VARIABLE is not set");
            assertThat(server.requests()).isZero();
            assertThat(out.resolve("report.json")).doesNotExist();
        }
    }

}
