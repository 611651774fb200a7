package dev.zerodrop.harness.approaches;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every approach folder has the same shape, checked without Docker: the verbs as executables (and
 * naive-deploy where its IT has a negative control), a README with the shared headings, an IT that
 * implements the approach contract, and the port docs/CONVENTIONS.md gives it.
 */
class LayoutTest {
  static final List<String> VERBS = List.of("up", "deploy", "down");
  static final List<String> HEADINGS = List.of("What it builds", "Prerequisites", "Up", "Upgrade",
      "How the harness proves it", "Clean up", "Next");

  /** What is wrong with one approach folder; empty when nothing is. */
  static List<String> problems(Path dir, ApproachContract it, Map<String, Integer> ports) {
    List<String> problems = new ArrayList<>();
    String name = dir.getFileName().toString();
    List<String> verbs = new ArrayList<>(VERBS);
    if (it == null) {
      problems.add(name + ": no IT implementing ApproachContract");
    } else if (it.hasNegativeControl()) {
      verbs.add("naive-deploy");
    }
    for (String verb : verbs) {
      Path file = dir.resolve(verb);
      if (!Files.isRegularFile(file)) {
        problems.add(name + ": missing verb " + verb);
      } else if (!Files.isExecutable(file)) {
        problems.add(name + ": verb " + verb + " is not executable");
      }
    }
    Path readme = dir.resolve("README.md");
    if (!Files.isRegularFile(readme)) {
      problems.add(name + ": no README.md");
    } else {
      List<String> headings = read(readme).lines().filter(l -> l.startsWith("## ")).map(l -> l.substring(3).strip()).toList();
      for (String h : HEADINGS) {
        if (headings.stream().noneMatch(x -> x.equals(h) || x.startsWith(h + " ") || x.startsWith(h + ":"))) {
          problems.add(name + ": README.md has no '## " + h + "'");
        }
      }
    }
    if (it != null && it.port() != 0) {
      Integer documented = ports.get(name);
      if (documented == null) {
        problems.add(name + ": docs/CONVENTIONS.md gives no port (its IT uses " + it.port() + ")");
      } else if (documented != it.port()) {
        problems.add(name + ": its IT uses port " + it.port() + ", docs/CONVENTIONS.md says " + documented);
      }
    }
    return problems;
  }

  /** approach_N → port, from the table in docs/CONVENTIONS.md. */
  static Map<String, Integer> conventionPorts(Path conventions) {
    Map<String, Integer> ports = new TreeMap<>();
    Matcher m = Pattern.compile("(?m)^\\|\\s*(approach_\\d+)[^|]*\\|\\s*(\\d{4,5})\\s*\\|").matcher(read(conventions));
    while (m.find()) {
      ports.putIfAbsent(m.group(1), Integer.parseInt(m.group(2))); // the first row: the proxy's plain port
    }
    return ports;
  }

  static ApproachContract itFor(String folder) {
    String n = folder.substring("approach_".length());
    try {
      Class<?> type = Class.forName(LayoutTest.class.getPackageName() + ".Approach" + n + "IT");
      return ApproachContract.class.isAssignableFrom(type)
          ? (ApproachContract) type.getDeclaredConstructor().newInstance() : null;
    } catch (ClassNotFoundException e) {
      return null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyApproachHasItsVerbsReadmeItAndPort() throws IOException {
    Map<String, Integer> ports = conventionPorts(Lab.ROOT.resolve("docs/CONVENTIONS.md"));
    List<Path> approaches;
    try (Stream<Path> dirs = Files.list(Lab.ROOT)) {
      approaches = dirs.filter(d -> d.getFileName().toString().matches("approach_\\d+") && Files.isDirectory(d))
          .sorted().toList();
    }
    assertThat(approaches).as("approach folders").hasSizeGreaterThanOrEqualTo(4);
    List<String> problems = new ArrayList<>();
    for (Path dir : approaches) {
      problems.addAll(problems(dir, itFor(dir.getFileName().toString()), ports));
    }
    assertThat(problems).as("layout problems").isEmpty();
    assertThat(ports).as("ports in docs/CONVENTIONS.md").containsEntry("approach_1", 18081);
  }

  @Test
  void aMissingVerbOrHeadingOrAWrongPortIsFound(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("approach_1"));
    for (String verb : List.of("up", "deploy", "naive-deploy")) {
      Files.writeString(dir.resolve(verb), "#!/usr/bin/env bash\n");
      Files.setPosixFilePermissions(dir.resolve(verb), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.writeString(dir.resolve("down"), "#!/usr/bin/env bash\n"); // not executable
    Files.writeString(dir.resolve("README.md"), "# x\n## What it builds\n## Up\n## Upgrade\n## Clean up\n## Next\n");

    List<String> found = problems(dir, new Approach1IT(), Map.of("approach_1", 18099));

    assertThat(found).containsExactlyInAnyOrder(
        "approach_1: verb down is not executable",
        "approach_1: README.md has no '## Prerequisites'",
        "approach_1: README.md has no '## How the harness proves it'",
        "approach_1: its IT uses port 18081, docs/CONVENTIONS.md says 18099");
    Files.delete(dir.resolve("down"));
    assertThat(problems(dir, new Approach1IT(), Map.of("approach_1", 18081))).contains("approach_1: missing verb down");
  }
}
