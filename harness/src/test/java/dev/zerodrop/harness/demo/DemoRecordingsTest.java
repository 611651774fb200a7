package dev.zerodrop.harness.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every committed recording in demo/ must replay, and must show what the recorded run really
 * printed: the byte counts of the timing file add up to the log (a hand edit breaks that), and
 * the verdict lines in the log are exactly the headlines the harness wrote into its report.json
 * files during that run ({@code <approach>.verdicts}, written by demo/record).
 */
@DisplayName("demo recordings")
class DemoRecordingsTest {
  static final Path DEMO = findDemo();

  static Path findDemo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("demo/flows"))) p = p.getParent();
    if (p == null) throw new IllegalStateException("no demo/ folder above " + Path.of("").toAbsolutePath());
    return p.resolve("demo");
  }

  static Stream<String> recordings() throws IOException {
    List<String> names = new ArrayList<>();
    try (var files = Files.list(DEMO)) {
      files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".timing"))
          .map(n -> n.substring(0, n.length() - ".timing".length())).sorted().forEach(names::add);
    }
    assertThat(names).as("committed recordings in demo/").isNotEmpty();
    return names.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recordings")
  @DisplayName("replays, and its verdict lines are the harness's own")
  void replaysAndShowsTheRecordedVerdicts(String name) throws Exception {
    byte[] log = Files.readAllBytes(DEMO.resolve(name + ".log"));
    long timed = 0;
    for (String line : Files.readAllLines(DEMO.resolve(name + ".timing"))) {
      String[] f = line.trim().split("\\s+");
      assertThat(f).as("timing line '%s'", line).hasSize(2);
      assertThat(Double.parseDouble(f[0])).as("delay").isNotNegative();
      timed += Long.parseLong(f[1]);
    }
    // The log is: a "Script started" header line, the timed bytes, then the "Script done" footer.
    // ISO-8859-1 maps each byte to one char, so string offsets are byte offsets.
    String bytes = new String(log, StandardCharsets.ISO_8859_1);
    assertThat(bytes).as("log header").startsWith("Script started on ");
    int header = bytes.indexOf('\n') + 1;
    int footer = bytes.lastIndexOf("\nScript done on ");
    long body = (footer < 0 ? log.length : footer) - header;
    String text = new String(log, StandardCharsets.UTF_8);
    assertThat(body).as("bytes in %s.log between header and footer = bytes in %s.timing", name, name)
        .isEqualTo(timed);

    Process replay = new ProcessBuilder("scriptreplay", "--timing", name + ".timing", name + ".log", "100000")
        .directory(DEMO.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.PIPE).start();
    assertThat(replay.waitFor(60, TimeUnit.SECONDS)).as("scriptreplay finishes").isTrue();
    assertThat(replay.exitValue()).as("scriptreplay exit; stderr: %s",
        new String(replay.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

    Path verdicts = DEMO.resolve(name + ".verdicts");
    if (Files.exists(verdicts)) {
      String plain = text.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").replace("\r", "\n");
      List<String> shown = plain.lines().filter(l -> l.startsWith("VERDICT: "))
          .map(l -> l.substring("VERDICT: ".length()).strip()).toList();
      List<String> reported = Files.readAllLines(verdicts).stream().filter(l -> !l.isBlank()).map(String::strip).toList();
      assertThat(shown).as("verdict lines in %s.log = headlines of the recorded run's report.json files", name)
          .containsExactlyElementsOf(reported);
    }
  }
}
