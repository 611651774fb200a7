package dev.zerodrop.harness.approaches;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceUpdateStatus;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * approach_2's window into Swarm through the Docker API (docker-java): it records a timeline of
 * what Swarm did during a scenario — container events (create, start, health_status, kill, die)
 * and task state changes (Swarm emits no task events, so tasks are polled every 200 ms) — and
 * answers the questions the proof asks (how many tasks run, which container to kill, how long a
 * rollout took). It observes only; the verdict comes from the harness's records.
 */
final class SwarmWatch implements Closeable {
  static final String STACK = "zerodrop_a2";
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private final DockerClient docker;
  private final ResultCallback.Adapter<Event> events;
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "swarm-task-poller");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, String> taskStates = new HashMap<>();
  private final List<String> lines = new ArrayList<>();
  private final Map<String, Long> containerEvents = new HashMap<>();

  private SwarmWatch(DockerClient docker) {
    this.docker = docker;
    this.events = docker.eventsCmd()
        .withEventTypeFilter(EventType.CONTAINER, EventType.SERVICE)
        .exec(new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Event e) {
            onEvent(e);
          }
        });
    poller.scheduleWithFixedDelay(this::pollTasks, 0, 200, TimeUnit.MILLISECONDS);
  }

  /** Connects to the engine the lab's scripts use (DOCKER_HOST, else the local socket). */
  static SwarmWatch connect() {
    return connect(DefaultDockerClientConfig.createDefaultConfigBuilder().build());
  }

  /** Connects to the engine at {@code dockerHost}: approach_2's cluster mode watches its manager node. */
  static SwarmWatch connect(String dockerHost) {
    return connect(DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build());
  }

  private static SwarmWatch connect(DockerClientConfig config) {
    var http = new ZerodepDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .maxConnections(16)
        .connectionTimeout(Duration.ofSeconds(5))
        .responseTimeout(Duration.ofSeconds(30))
        .build();
    return new SwarmWatch(DockerClientImpl.getInstance(config, http));
  }

  static String service(String app) {
    return STACK + "_" + app;
  }

  // ---- timeline -------------------------------------------------------------------------------

  private void onEvent(Event e) {
    Map<String, String> attrs = e.getActor() == null || e.getActor().getAttributes() == null
        ? Map.of() : e.getActor().getAttributes();
    String name = attrs.getOrDefault("name", "");
    String action = e.getAction() == null ? "" : e.getAction();
    // Health probes run as exec: one start/die pair per probe is noise; health_status is the news.
    if (action.startsWith("exec_") || !(name.startsWith(STACK + "_") || STACK.equals(attrs.get("com.docker.stack.namespace")))) {
      return;
    }
    long millis = e.getTimeNano() != null ? e.getTimeNano() / 1_000_000 : e.getTime() * 1000;
    String what = e.getType() == EventType.SERVICE
        ? "service " + name + " " + action + Optional.ofNullable(attrs.get("updatestate.new")).map(s -> " -> " + s).orElse("")
        : "container " + shortTask(name) + " " + action;
    add(millis, what);
    if (e.getType() == EventType.CONTAINER && e.getId() != null) {
      synchronized (this) {
        containerEvents.putIfAbsent(e.getId() + " " + action, millis);
      }
    }
  }

  /** When the engine first reported {@code action} (kill, die, start...) for a container, if it did. */
  synchronized Optional<Long> containerEvent(String containerId, String action) {
    return Optional.ofNullable(containerEvents.get(containerId + " " + action));
  }

  private void pollTasks() {
    try {
      for (Task t : docker.listTasksCmd().withLabelFilter(Map.of("com.docker.stack.namespace", STACK)).exec()) {
        String state = t.getDesiredState() + "/" + (t.getStatus() == null ? "?" : t.getStatus().getState());
        String before = taskStates.put(t.getId(), state);
        if (!state.equals(before)) {
          String image = t.getSpec().getContainerSpec().getImage().replaceAll("@.*", "");
          String err = t.getStatus() == null || t.getStatus().getErr() == null ? "" : " (" + t.getStatus().getErr() + ")";
          add(System.currentTimeMillis(), String.format("task %s.%s %s %s: want %s, is %s%s",
              serviceName(t.getServiceId()), t.getSlot() == null ? "g" : t.getSlot(), t.getId().substring(0, 6),
              image.substring(image.indexOf('/') + 1), t.getDesiredState().getValue(),
              t.getStatus() == null ? "?" : t.getStatus().getState().getValue(), err));
        }
      }
    } catch (RuntimeException e) {
      // The stack may be gone between two polls (down); the next poll tells.
    }
  }

  private final Map<String, String> serviceNames = new HashMap<>();

  private String serviceName(String id) {
    return serviceNames.computeIfAbsent(id, k -> {
      try {
        return docker.inspectServiceCmd(k).exec().getSpec().getName().replace(STACK + "_", "");
      } catch (RuntimeException e) {
        return k.substring(0, 6);
      }
    });
  }

  private static String shortTask(String containerName) {
    // zerodrop_a2_go-app.1.<task id> -> go-app.1.<6 chars>
    String s = containerName.replace(STACK + "_", "");
    int dot = s.lastIndexOf('.');
    return dot > 0 && s.length() - dot > 7 ? s.substring(0, dot + 7) : s;
  }

  private synchronized void add(long epochMillis, String line) {
    lines.add(epochMillis + " " + line);
  }

  /** Forgets what was seen so far: the next {@link #timeline} starts here. */
  synchronized void mark() {
    lines.clear();
  }

  /**
   * What happened since {@link #mark}, one line per event, with wall-clock time and the offset
   * from {@code zeroMillis} (the upgrade window's start), so it reads beside the traffic chart.
   */
  synchronized String timeline(long zeroMillis) {
    StringBuilder out = new StringBuilder("wall clock (UTC)  t (s, from the window's start)  event\n");
    lines.stream().sorted().forEach(l -> {
      long at = Long.parseLong(l.substring(0, l.indexOf(' ')));
      out.append(String.format("%s  %+8.3f  %s%n", CLOCK.format(Instant.ofEpochMilli(at)), (at - zeroMillis) / 1000.0,
          l.substring(l.indexOf(' ') + 1)));
    });
    return out.toString();
  }

  // ---- questions ------------------------------------------------------------------------------

  /** Tasks Swarm wants running that really run, on the service's current image. */
  long runningTasks(String app) {
    return runningTasksExcept(app, "");
  }

  /** As {@link #runningTasks}, not counting the task of container {@code containerId} (e.g. one just killed). */
  long runningTasksExcept(String app, String containerId) {
    Service s = docker.inspectServiceCmd(service(app)).exec();
    String image = s.getSpec().getTaskTemplate().getContainerSpec().getImage();
    return docker.listTasksCmd().withServiceFilter(service(app)).exec().stream()
        .filter(t -> t.getDesiredState() == TaskState.RUNNING)
        .filter(t -> t.getStatus() != null && t.getStatus().getState() == TaskState.RUNNING)
        .filter(t -> t.getSpec().getContainerSpec().getImage().equals(image))
        .filter(t -> t.getStatus().getContainerStatus() == null
            || !containerId.equals(t.getStatus().getContainerStatus().getContainerID()))
        .count();
  }

  long replicas(String app) {
    return docker.inspectServiceCmd(service(app)).exec().getSpec().getMode().getReplicated().getReplicas();
  }

  /** Placement constraints in the service's spec (the lab's stack sets none on the apps). */
  List<String> constraints(String app) {
    var placement = docker.inspectServiceCmd(service(app)).exec().getSpec().getTaskTemplate().getPlacement();
    return placement == null || placement.getConstraints() == null ? List.of() : placement.getConstraints();
  }

  /** Version in the service's spec (the image tag). */
  String version(String app) {
    String image = docker.inspectServiceCmd(service(app)).exec().getSpec().getTaskTemplate().getContainerSpec().getImage();
    return image.replaceAll("@.*", "").replaceAll(".*:", "");
  }

  Optional<ServiceUpdateStatus> updateStatus(String app) {
    return Optional.ofNullable(docker.inspectServiceCmd(service(app)).exec().getUpdateStatus());
  }

  /** A running container of one of the app's tasks that Swarm still wants (not one draining). */
  Container oneRunningContainer(String app) {
    List<String> wanted = docker.listTasksCmd().withServiceFilter(service(app)).exec().stream()
        .filter(t -> t.getDesiredState() == TaskState.RUNNING && t.getStatus().getContainerStatus() != null)
        .map(t -> t.getStatus().getContainerStatus().getContainerID())
        .toList();
    return docker.listContainersCmd()
        .withLabelFilter(Map.of("com.docker.swarm.service.name", service(app)))
        .exec().stream()
        .filter(c -> wanted.contains(c.getId()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no running task of " + app));
  }

  void kill(String containerId) {
    docker.killContainerCmd(containerId).exec();
  }

  @Override
  public void close() {
    poller.shutdownNow();
    try {
      events.close();
    } catch (IOException ignored) {
      // closing a stream that already ended
    }
    try {
      docker.close();
    } catch (IOException ignored) {
      // the client holds no state worth reporting
    }
  }
}
