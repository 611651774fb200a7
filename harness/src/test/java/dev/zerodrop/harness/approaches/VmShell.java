package dev.zerodrop.harness.approaches;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.IOUtils;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.verification.PromiscuousVerifier;

/**
 * An SSH session into a Vagrant machine, the way an operator would look at it: connection details
 * come from {@code vagrant ssh-config} (the forwarded port on 127.0.0.1 and the key Vagrant
 * generated on first boot), never from the repo. One connection, many commands.
 */
final class VmShell implements AutoCloseable {
  /** What a command printed (stdout and stderr together) and its exit status. */
  record Result(int exitCode, String output) {
    String trimmed() {
      return output.strip();
    }
  }

  private final SSHClient ssh;
  private final String description;

  private VmShell(SSHClient ssh, String description) {
    this.ssh = ssh;
    this.description = description;
  }

  /** Connects to {@code machine} with what {@code vagrant ssh-config} prints, from the repo root. */
  static VmShell connect(String machine, Map<String, String> vagrantEnv) {
    Lab.Exec config = Lab.sh(Duration.ofMinutes(1), vagrantEnv, "vagrant", "ssh-config", machine);
    if (config.exitCode() != 0) {
      throw new IllegalStateException("vagrant ssh-config " + machine + " failed:\n" + config.output());
    }
    Map<String, String> c = parseSshConfig(config.output());
    String host = c.get("hostname");
    // The lab's network rule: only loopback. Vagrant forwards the machine's SSH port there.
    if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
      throw new IllegalStateException("refusing to SSH to " + host + ": the lab only talks to 127.0.0.1");
    }
    SSHClient ssh = new SSHClient();
    try {
      // Host keys are generated on each machine's first boot, so there is nothing to pin; the
      // connection never leaves loopback.
      ssh.addHostKeyVerifier(new PromiscuousVerifier());
      ssh.setConnectTimeout(10_000);
      ssh.connect(host, Integer.parseInt(c.get("port")));
      ssh.authPublickey(c.get("user"), ssh.loadKeys(c.get("identityfile")));
      return new VmShell(ssh, c.get("user") + "@" + host + ":" + c.get("port"));
    } catch (IOException e) {
      try {
        ssh.close();
      } catch (IOException ignored) {
        // already failing
      }
      throw new UncheckedIOException("SSH to " + machine + " (" + host + ":" + c.get("port") + ")", e);
    }
  }

  /** Lower-cased keys of the first Host block; IdentityFile may be quoted when its path has spaces. */
  static Map<String, String> parseSshConfig(String text) {
    Map<String, String> c = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] kv = line.strip().split("\\s+", 2);
      if (kv.length == 2) {
        c.putIfAbsent(kv[0].toLowerCase(), kv[1].replaceAll("^\"|\"$", ""));
      }
    }
    for (String key : new String[] {"hostname", "port", "user", "identityfile"}) {
      if (!c.containsKey(key)) {
        throw new IllegalStateException("vagrant ssh-config printed no " + key + ":\n" + text);
      }
    }
    return c;
  }

  /**
   * Runs {@code command} (a shell line) on the machine. The machine's own {@code timeout} bounds it,
   * so a hung command ends (exit 124) instead of hanging the test.
   */
  Result run(Duration timeout, String command) {
    String bounded = "timeout " + timeout.toSeconds() + " sh -c '" + command.replace("'", "'\\''") + "' 2>&1";
    try (Session session = ssh.startSession()) {
      Session.Command cmd = session.exec(bounded);
      String out = IOUtils.readFully(cmd.getInputStream()).toString(StandardCharsets.UTF_8);
      cmd.join(10, TimeUnit.SECONDS);
      Integer status = cmd.getExitStatus();
      return new Result(status == null ? -1 : status, out);
    } catch (IOException e) {
      throw new UncheckedIOException("`" + command + "` on " + description, e);
    }
  }

  Result run(String command) {
    return run(Duration.ofSeconds(30), command);
  }

  /** Runs a command that must succeed and returns its trimmed output. */
  String must(String command) {
    Result r = run(command);
    if (r.exitCode() != 0) {
      throw new AssertionError("`" + command + "` on " + description + " exited " + r.exitCode() + ":\n" + r.output());
    }
    return r.trimmed();
  }

  @Override
  public void close() {
    try {
      ssh.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
