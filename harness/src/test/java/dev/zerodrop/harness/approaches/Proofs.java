package dev.zerodrop.harness.approaches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.Cohort;
import dev.zerodrop.harness.record.Record;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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

  /**
   * The full zero-drop claim of an upgrade from {@code from} to {@code to}: the verdict passes,
   * every channel and cohort was really exercised, long requests begun before the upgrade were
   * answered by the old version, every stream was resumed on the new one, and after the upgrade
   * only the new version answers.
   */
  static void assertZeroDrop(RunResult r, String from, String to) {
    assertPass(r);
    List<Record> rs = r.records();
    Map<String, Long> byChannel = count(rs, Cohort.STEADY, rec -> rec.channel().name());
    assertThat(rs).as("steady traffic on new connections").anyMatch(x -> x.cohort() == Cohort.STEADY && x.channel() == Channel.NEW);
    assertThat(rs).as("steady traffic on reused keep-alive connections (%s)", byChannel)
        .anyMatch(x -> x.cohort() == Cohort.STEADY && x.channel() == Channel.REUSED);
    assertThat(rs).as("GET traffic").anyMatch(x -> x.method().equals("GET"));
    assertThat(rs).as("POST traffic").anyMatch(x -> x.method().equals("POST"));

    List<Record> longs = rs.stream().filter(x -> x.cohort() == Cohort.LONG).toList();
    assertThat(longs).as("long-lived requests").hasSizeGreaterThanOrEqualTo(20);
    assertThat(longs).as("long-lived requests begun before the upgrade are answered by %s", from)
        .allMatch(x -> from.equals(x.version()));

    Map<Integer, List<Record>> streams = rs.stream().filter(x -> x.cohort() == Cohort.STREAM)
        .collect(Collectors.groupingBy(Record::stream, TreeMap::new, Collectors.toList()));
    assertThat(streams).as("SSE streams").hasSizeGreaterThanOrEqualTo(10);
    streams.forEach((id, segments) -> {
      assertThat(segments).as("stream %d was resumed on the new version after a clean reconnect", id)
          .hasSizeGreaterThanOrEqualTo(2);
      assertThat(segments.get(segments.size() - 1).version()).as("stream %d ends on %s", id, to).isEqualTo(to);
    });

    double end = r.window().endMillis();
    Set<String> after = rs.stream().filter(x -> x.cohort() == Cohort.STEADY && x.intendedAtMs() > end)
        .map(Record::version).collect(Collectors.toSet());
    assertThat(after).as("versions answering after the upgrade").containsExactly(to);
    Set<String> before = rs.stream().filter(x -> x.cohort() == Cohort.STEADY && x.intendedAtMs() < r.window().startMillis())
        .map(Record::version).collect(Collectors.toSet());
    assertThat(before).as("versions answering before the upgrade").containsExactly(from);
  }

  /** Nothing but {@code version} ever answered (e.g. an aborted release never served). */
  static void assertOnlyVersion(RunResult r, String version) {
    Set<String> seen = r.records().stream().filter(Record::ok).map(Record::version).collect(Collectors.toSet());
    assertThat(seen).as("versions that answered").containsExactly(version);
  }

  /** The negative control: the harness must see the drops of a naive deploy. */
  static void assertCaughtDrops(RunResult r) {
    long failed = r.records().stream().filter(Record::failed).count();
    System.out.printf("  negative control: %d failed of %d (%s)%n", failed, r.records().size(),
        count(r.records(), null, x -> x.error().label()));
    assertThat(r.verdict().pass()).as("the naive deploy must FAIL the verdict: %s", r.verdict().headline()).isFalse();
    assertThat(failed).as("failed requests seen by the harness during the naive deploy").isPositive();
  }

  private static <K> Map<K, Long> count(List<Record> rs, Cohort cohort, java.util.function.Function<Record, K> key) {
    return rs.stream().filter(x -> cohort == null || x.cohort() == cohort)
        .collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
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
