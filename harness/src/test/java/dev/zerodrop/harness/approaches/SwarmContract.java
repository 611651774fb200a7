package dev.zerodrop.harness.approaches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.Upgrade;
import io.qameta.allure.Allure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What approach_2's two proofs (one node, three nodes) share: Swarm is asked what runs, and each
 * run keeps Swarm's own timeline beside the harness's reports.
 */
interface SwarmContract extends ApproachContract {
  /** Replicas per app, as the stack deploys them. */
  int REPLICAS = 2;

  /** The engine that manages the swarm; set after up. */
  SwarmWatch swarm();

  /** Where this proof's reports go, under harness/target/zerodrop-reports. */
  String reports();

  /** Extra files beside each run's reports (name → content); none by default. */
  default Map<String, String> afterRunFiles() {
    return Map.of();
  }

  @Override
  default String folder() {
    return "approach_2";
  }

  @Override
  default int port() {
    return 18082;
  }

  /** app → version in the service's spec, once Swarm has converged on it. */
  @Override
  default Map<String, String> serving() {
    Map<String, String> versions = new TreeMap<>();
    for (String app : APPS) {
      versions.put(app, swarm().version(app));
    }
    return versions;
  }

  @Override
  default List<String> badReleaseSays() {
    return List.of("swarm rolled back go-app");
  }

  @Override
  default void afterBadRelease(RunResult r) {
    assertThat(swarm().runningTasks("go-app")).as("go-app tasks running v2 after the rollback").isEqualTo(REPLICAS);
  }

  @Override
  default void beforeDown() {
    if (swarm() != null) swarm().close();
  }

  /** Every app back at {@link #REPLICAS} (a test may have scaled it). */
  default void scaleBack() {
    for (String app : APPS) {
      if (swarm().replicas(app) != REPLICAS) Lab.must(CMD, folder() + "/scale", app, String.valueOf(REPLICAS));
    }
  }

  /** Runs a scenario under the standard traffic with Swarm's timeline beside the reports. */
  @Override
  default RunResult run(String scenario, Upgrade upgrade) {
    swarm().mark();
    long marked = System.currentTimeMillis();
    RunResult r = null;
    try {
      r = Lab.run(reports(), scenario, traffic(), upgrade);
      return r;
    } finally {
      String timeline = swarm().timeline(r != null ? (long) r.window().startMillis() : marked);
      Path dir = Lab.REPORTS.resolve(reports()).resolve(scenario);
      try {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("swarm-events.txt"), timeline);
        for (var f : afterRunFiles().entrySet()) Files.writeString(dir.resolve(f.getKey()), f.getValue());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Allure.addAttachment(reports() + " " + scenario + ": swarm events", "text/plain", timeline, ".txt");
    }
  }
}
