package dev.zerodrop.harness.approaches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.Record;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The assertions every approach's claim rests on, written once. They read the harness's records
 * and verdict only — never the orchestrator's own idea of success.
 */
final class Proofs {
  private Proofs() {}

  static void assertPass(RunResult r) {
    assertThat(r.verdict().pass()).as("harness verdict: %s", r.verdict().headline()).isTrue();
  }

  static List<Record> cohort(RunResult r, String cohort) {
    return r.records().stream().filter(x -> x.cohort().equals(cohort)).toList();
  }

  /**
   * The full zero-drop claim of an upgrade from {@code from} to {@code to}: the verdict passes,
   * every channel and cohort was really exercised, long requests begun before the upgrade were
   * answered by the old version, every stream (SSE, WebSocket) was resumed on the new one, and after
   * the upgrade only the new version answers.
   */
  static void assertZeroDrop(RunResult r, String from, String to) {
    assertPass(r);
    List<Record> steady = cohort(r, Record.STEADY);
    assertThat(steady).as("steady traffic on new connections").anyMatch(x -> x.channel() == Channel.NEW);
    assertThat(steady).as("steady traffic on reused keep-alive connections (%s)", count(steady, x -> x.channel().name()))
        .anyMatch(x -> x.channel() == Channel.REUSED);
    assertThat(steady).as("GET traffic").anyMatch(x -> x.method().equals("GET"));
    assertThat(steady).as("POST traffic").anyMatch(x -> x.method().equals("POST"));

    List<Record> longs = cohort(r, "long");
    assertThat(longs).as("long-lived requests").hasSizeGreaterThanOrEqualTo(20);
    assertThat(longs).as("long-lived requests begun before the upgrade are answered by %s", from)
        .allMatch(x -> from.equals(x.version()));

    for (String cohort : r.info().cohorts()) {
      List<Record> segments = cohort(r, cohort).stream().filter(x -> x.segment() != null).toList();
      if (segments.isEmpty()) {
        continue;
      }
      Map<Integer, List<Record>> streams = segments.stream()
          .collect(Collectors.groupingBy(x -> x.segment().stream(), TreeMap::new, Collectors.toList()));
      assertThat(streams).as("%s streams", cohort).hasSizeGreaterThanOrEqualTo(10);
      streams.forEach((id, list) -> {
        assertThat(list).as("%s %d was resumed on the new version after a clean close", cohort, id)
            .hasSizeGreaterThanOrEqualTo(2);
        assertThat(list.get(list.size() - 1).version()).as("%s %d ends on %s", cohort, id, to).isEqualTo(to);
      });
    }

    double end = r.window().endMillis();
    Set<String> after = steady.stream().filter(x -> x.intendedAtMs() > end).map(Record::version).collect(Collectors.toSet());
    assertThat(after).as("versions answering after the upgrade").containsExactly(to);
    Set<String> before = steady.stream().filter(x -> x.intendedAtMs() < r.window().startMillis())
        .map(Record::version).collect(Collectors.toSet());
    assertThat(before).as("versions answering before the upgrade").containsExactly(from);
  }

  /** Nothing but {@code version} ever answered (e.g. an aborted release never served). */
  static void assertOnlyVersion(RunResult r, String version) {
    Set<String> seen = r.records().stream().filter(Record::ok).map(Record::version).collect(Collectors.toSet());
    assertThat(seen).as("versions that answered").containsExactly(version);
  }

  /** The negative control: the harness must see the drops of a naive deploy, and say what happened to each cohort. */
  static void assertCaughtDrops(RunResult r) {
    long failed = r.records().stream().filter(Record::failed).count();
    System.out.printf("  negative control: %d failed of %d (%s)%n", failed, r.records().size(),
        count(r.records(), x -> x.cohort() + ":" + x.error().label()));
    assertThat(r.verdict().pass()).as("the naive deploy must FAIL the verdict: %s", r.verdict().headline()).isFalse();
    assertThat(failed).as("failed requests seen by the harness during the naive deploy").isPositive();
  }

  static <K> Map<K, Long> count(List<Record> rs, Function<Record, K> key) {
    return rs.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }

  /**
   * Performance figures (printed, not asserted: speed goals belong in figures, not timed tests):
   * rollout time per app — deploy start to the last old-version answer — and p99 latency during
   * the rollout against the baseline.
   */
  static String figures(String approach, RunResult r, double rolloutGoalSeconds) {
    var v = r.verdict();
    StringBuilder s = new StringBuilder("FIGURES " + approach + ":");
    v.switchOver().forEach((app, so) -> s.append(String.format(" rollout %s %s;", app,
        so.rolloutMillis() == null ? "n/a" : String.format("%.1f s", so.rolloutMillis() / 1000))));
    s.append(String.format(" (goal <= %.0f s per app); deploy command %.1f s;", rolloutGoalSeconds,
        r.window().durationMillis() / 1000.0));
    long before = v.latency().before().p99Micros(), during = v.latency().during().p99Micros();
    s.append(String.format(" p99 before %.1f ms, during %.1f ms (%.1fx, goal <= 2x)",
        before / 1000.0, during / 1000.0, before == 0 ? 0.0 : (double) during / before));
    System.out.println("  " + s);
    return s.toString();
  }
}
