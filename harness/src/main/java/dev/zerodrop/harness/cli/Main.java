package dev.zerodrop.harness.cli;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.ProgressSink;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TargetUnreachableException;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.report.ReportFiles;
import dev.zerodrop.harness.report.Reports;
import dev.zerodrop.harness.report.Summary;
import dev.zerodrop.harness.traffic.Target;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** The command line: {@code zerodrop-harness --target URL --during "./deploy v2"}. */
@Command(name = "zerodrop-harness",
        mixinStandardHelpOptions = true,
        version = "zerodrop-harness 1.0.0",
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Fires open-model HTTP traffic around an upgrade and decides whether it dropped a single request.",
        description = {
                "",
                "Steady traffic runs on a fixed clock: --rate requests per second, split over the targets, "
                        + "on new and reused connections, GET and POST, never retried. After a clean baseline "
                        + "the long-lived requests and SSE streams are opened, the --during command runs, "
                        + "traffic settles, and every attempt is judged. With --duration there is no command: "
                        + "a plain timed attack.",
                ""},
        subcommands = {AttackCommand.class, BenchCommand.class, ReportCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  PASS: every request succeeded, and the generator kept its schedule",
                "  1  FAIL (a request failed) or INCONCLUSIVE (the generator fell behind)",
                "  2  bad usage, or the target was unreachable/unhealthy before the upgrade",
                "",
                "Examples:",
                "  zerodrop-harness --target http://127.0.0.1:18081/go-app/ \\",
                "      --target http://127.0.0.1:18081/node-app/ --rate 500 \\",
                "      --long-lived 20 --streams 10 \\",
                "      --during './approach_1/deploy-apps go-app node-app v2'",
                "  zerodrop-harness --target http://127.0.0.1:18080/ --duration 30s",
                "  zerodrop-harness report harness-out/20250101-120000"})
public final class Main implements Callable<Integer> {

    /** Options every traffic-sending command shares. */
    static final class TrafficOptions {
        // Checked in plan(), not by picocli: a required option here would also be demanded of subcommands.
        @Option(names = "--target", paramLabel = "[NAME=]URL",
                description = "Where traffic goes (repeatable). NAME defaults to the URL's last path segment, "
                        + "else its host. Loopback only unless --allow-remote.")
        List<String> targets;

        @Option(names = "--rate", paramLabel = "REQ/S", defaultValue = "100",
                description = "Steady requests per second over all targets (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
                description = "A request with no full answer within this fails as TIMEOUT (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--max-in-flight", paramLabel = "N",
                description = "Requests open at once, at most; beyond it requests are skipped and the run is "
                        + "INCONCLUSIVE (default: 20000, less if the open-file limit is lower).")
        Integer maxInFlight;

        @Option(names = "--io-threads", paramLabel = "N", defaultValue = "2",
                description = "Event-loop threads (default: ${DEFAULT-VALUE}).")
        int ioThreads;

        @Option(names = "--allow-remote", description = "Allow targets that are not loopback addresses.")
        boolean allowRemote;

        @Option(names = "--quiet", description = "No progress line and no echo of the command's output.")
        boolean quiet;

        TrafficPlan.Builder plan(CommandLine.Model.CommandSpec spec, ProgressSink sink) {
            if (targets == null || targets.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--target=[NAME=]URL'");
            }
            TrafficPlan.Builder plan = TrafficPlan.builder()
                    .rate(rate)
                    .requestTimeout(timeout)
                    .ioThreads(ioThreads)
                    .allowNonLoopback(allowRemote)
                    .progress(sink);
            if (maxInFlight != null) {
                plan.maxInFlight(maxInFlight);
            }
            targets.forEach(t -> plan.target(Target.parse(t)));
            return plan;
        }
    }

    /** Exactly one of: a plain attack, or a command to run under traffic. */
    static final class Mode {
        @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.class,
                description = "Plain attack of this length (500ms, 3s, 2m), no command.")
        Duration duration;

        @Option(names = "--during", paramLabel = "COMMAND",
                description = "Run this (with bash -c) under traffic: baseline, command, settle.")
        String during;
    }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TrafficOptions traffic = new TrafficOptions();

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Mode mode;

    @Option(names = "--baseline", paramLabel = "DURATION", converter = Durations.class,
            description = "Clean traffic required before the command runs (default: 3s with --during, 0 with --duration).")
    Duration baseline;

    @Option(names = "--settle", paramLabel = "DURATION", converter = Durations.class,
            description = "Traffic after the command returns (default: 5s with --during, 0 with --duration).")
    Duration settle;

    @Option(names = "--long-lived", paramLabel = "N", defaultValue = "0",
            description = "Slow requests (?sleep=) in flight while the command runs (default: ${DEFAULT-VALUE}).")
    int longLived;

    @Option(names = "--long-sleep", paramLabel = "MIN-MAX", defaultValue = "10s-20s",
            converter = Durations.RangeConverter.class,
            description = "Their sleeps, spread evenly over the range (default: ${DEFAULT-VALUE}).")
    Durations.Range longSleep;

    @Option(names = "--streams", paramLabel = "N", defaultValue = "0",
            description = "SSE streams to <target>stream, open across the command (default: ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--stream-interval", paramLabel = "DURATION", defaultValue = "1s", converter = Durations.class,
            description = "The apps' tick interval; a stream silent for 3x this is cut (default: ${DEFAULT-VALUE}).")
    Duration streamInterval;

    @Option(names = "--max-duration", paramLabel = "DURATION", defaultValue = "10m", converter = Durations.class,
            description = "Hard cap on the whole run; the command is killed at it (default: ${DEFAULT-VALUE}).")
    Duration maxDuration;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where reports go (default: harness-out/<timestamp> in the current directory).")
    Path out;

    private final boolean interactive;

    public Main() {
        this(false);
    }

    Main(boolean interactive) {
        this.interactive = interactive;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err, System.console() != null));
    }

    /** Runs the CLI with the given streams; returns the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err, boolean interactive) {
        CommandLine cmd = new CommandLine(new Main(interactive));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof CommandLine.ParameterException pe) {
                return commandLine.getParameterExceptionHandler().handleParseException(pe, args);
            }
            if (e instanceof TargetUnreachableException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("zerodrop-harness: " + e.getMessage());
                return 2;
            }
            commandLine.getErr().println("zerodrop-harness: " + e);
            e.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cmd.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        if (mode == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: --duration=DURATION or --during=COMMAND");
        }
        boolean attack = mode.duration != null;
        ProgressSink sink = sink(spec, traffic.quiet, interactive);
        TrafficPlan plan = traffic.plan(spec, sink)
                .baseline(baseline != null ? baseline : attack ? Duration.ZERO : Duration.ofSeconds(3))
                .settle(settle != null ? settle : attack ? Duration.ZERO : Duration.ofSeconds(5))
                .longLived(longLived, longSleep.min(), longSleep.max())
                .streams(streams)
                .streamInterval(streamInterval)
                .maxDuration(maxDuration)
                .build();
        Upgrade upgrade = attack ? Upgrade.none(mode.duration)
                : Upgrade.command(List.of("bash", "-c", mode.during), Path.of("").toAbsolutePath(), Map.of());
        RunResult result = Harness.run(plan, upgrade);
        return finish(spec, result, out != null ? out : defaultOut());
    }

    /** Prints the summary, writes the reports, maps the verdict to the exit code. */
    static int finish(CommandLine.Model.CommandSpec spec, RunResult result, Path dir) throws IOException {
        ReportFiles files = Reports.write(result, dir);
        spec.commandLine().getOut().print(Summary.render(result));
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().println("reports: " + files.reportJson().getParent());
        return result.verdict().pass() ? 0 : 1;
    }

    static Path defaultOut() {
        return Path.of("harness-out", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    static ProgressSink sink(CommandLine.Model.CommandSpec spec, boolean quiet, boolean interactive) {
        if (quiet) {
            return ProgressSink.none();
        }
        PrintWriter err = spec.commandLine().getErr();
        return new ProgressSink() {
            private boolean dirty;

            @Override
            public synchronized void progress(String line) {
                if (interactive) {
                    err.print("\r\033[K" + line);
                    dirty = true;
                } else {
                    err.println(line);
                }
                err.flush();
            }

            @Override
            public synchronized void log(String line) {
                err.print((dirty ? "\r\033[K" : "") + line + System.lineSeparator());
                err.flush();
                dirty = false;
            }
        };
    }

    boolean interactive() {
        return interactive;
    }
}
