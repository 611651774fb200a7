package dev.zerodrop.harness.cli;

import dev.zerodrop.harness.Harness;
import dev.zerodrop.harness.ProgressSink;
import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.TargetUnreachableException;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.Upgrade;
import dev.zerodrop.harness.bench.BenchCommand;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.report.ReportFiles;
import dev.zerodrop.harness.report.Reports;
import dev.zerodrop.harness.report.Summary;
import dev.zerodrop.harness.rules.ValueSource;
import dev.zerodrop.harness.stream.SegmentedStream;
import dev.zerodrop.harness.ws.WebSocketSpec;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** The command line: {@code zerodrop-harness --target URL --during "./deploy v2"}. */
@Command(name = "zerodrop-harness",
        mixinStandardHelpOptions = true,
        version = RunInfo.HARNESS,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Fires open-model HTTP traffic around a deploy and decides whether it dropped a single request.",
        description = {
                "",
                "Steady traffic runs on a fixed clock: --rate requests per second, split over the targets, on new and "
                        + "reused connections, never retried. After a clean baseline the long-lived requests and "
                        + "streams are opened, the --during command runs (your deploy: kubectl rollout restart, "
                        + "aws ecs update-service, an Ansible play...), traffic settles, and every attempt is judged "
                        + "by the success rules. With --duration there is no command: a plain timed attack.",
                ""},
        subcommands = {AttackCommand.class, BenchCommand.class, ReportCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  PASS: every request succeeded, and the generator kept its schedule",
                "  1  FAIL (a request failed) or INCONCLUSIVE (the generator fell behind)",
                "  2  bad usage, or the target was unreachable/unhealthy before the deploy",
                "",
                "Examples:",
                "  zerodrop-harness --target https://127.0.0.1:8443/health --cacert ca.pem \\",
                "      --during 'kubectl rollout restart deploy/api && kubectl rollout status deploy/api' \\",
                "      --junit verdict.xml",
                "  zerodrop-harness --targets targets.txt --expect-status 200,204 --duration 30s",
                "  zerodrop-harness --preset lab --base http://127.0.0.1:18081 \\",
                "      --during 'approach_1/deploy go-app node-app v2'",
                "  zerodrop-harness report harness-out/20250101-120000"})
public final class Main implements Callable<Integer> {

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

    @Option(names = "--long-lived", paramLabel = "N",
            description = "Slow requests in flight while the command runs (default: 0; lab: 20).")
    Integer longLived;

    @Option(names = "--long-sleep", paramLabel = "MIN-MAX", converter = Durations.RangeConverter.class,
            description = "Their durations, spread evenly over the range (default: 10s-20s).")
    Durations.Range longSleep;

    @Option(names = "--long-query", paramLabel = "QUERY",
            description = "Query that makes a request slow, {ms} replaced by its duration (default: sleep={ms}).")
    String longQuery;

    @Option(names = "--streams", paramLabel = "N",
            description = "Server-sent-event streams open across the command (default: 0; lab: 10).")
    Integer streams;

    @Option(names = "--stream-path", paramLabel = "PATH",
            description = "Where the streams are: relative to each target (events) or absolute (/events) (lab: stream).")
    String streamPath;

    @Option(names = "--stream-interval", paramLabel = "DURATION", converter = Durations.class,
            description = "The server's event interval; a segment silent for 3x this is cut (default: 1s).")
    Duration streamInterval;

    @Option(names = "--stream-reconnect-event", paramLabel = "TYPE",
            description = "The event that asks the client to resume on a new connection (lab: reconnect). "
                    + "Without it, a complete response is the clean end of a segment.")
    String reconnectEvent;

    @Option(names = "--stream-ids", paramLabel = "consecutive|none",
            description = "Gap rule on integer event ids: each must be the previous + 1, also across a resume "
                    + "(default: consecutive).")
    String streamIds;

    @Option(names = "--websockets", paramLabel = "N",
            description = "WebSockets open across the command, resumed after a clean close (default: 0; lab: 10).")
    Integer websockets;

    @Option(names = "--ws-path", paramLabel = "PATH",
            description = "Where the WebSockets are: relative to each target (ws) or absolute (/socket) (lab: ws).")
    String wsPath;

    @Option(names = "--ws-interval", paramLabel = "DURATION", converter = Durations.class,
            description = "The server's message interval; a socket silent for 3x this is cut (default: 1s).")
    Duration wsInterval;

    @Option(names = "--ws-resume", paramLabel = "PARAM",
            description = "Query parameter that tells the server the last sequence seen on a resume (default: last).")
    String wsResume;

    @Option(names = "--ws-clean-close", paramLabel = "CODES", split = ",",
            description = "Close codes after which a socket resumes; any other end is ws_cut (default: 1001,1012).")
    List<Integer> wsCleanClose;

    @Option(names = "--ws-seq", paramLabel = "SOURCE",
            description = "Where a message's sequence number is, for the gap rule (default: json:/seq).")
    String wsSeq;

    @Option(names = "--max-duration", paramLabel = "DURATION", converter = Durations.class,
            description = "Hard cap on the whole run; the command is killed at it (default: 10m; lab: 4m).")
    Duration maxDuration;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where reports go (default: harness-out/<timestamp> in the current directory).")
    Path out;

    @Option(names = "--deploy-must-succeed",
            description = "A --during command that exits non-zero makes the run INCONCLUSIVE (exit 1), even when "
                    + "nothing dropped. Off by default: \"a bad release was refused without a drop\" is a PASS.")
    boolean deployMustSucceed;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "Also write the verdict as JUnit XML (a test case per target and cohort) for CI systems.")
    Path junit;

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
        Path dir = out != null ? out : defaultOut();
        ProgressSink sink = sink(spec, traffic.quiet, interactive);
        TrafficPlan.Builder plan = traffic.plan(spec, sink, dir.resolve("records.jsonl"));
        if (baseline != null || traffic.preset == null) {
            plan.baseline(baseline != null ? baseline : attack ? Duration.ZERO : Duration.ofSeconds(3));
        }
        if (settle != null || traffic.preset == null) {
            plan.settle(settle != null ? settle : attack ? Duration.ZERO : Duration.ofSeconds(5));
        }
        if (attack && traffic.preset != null) {
            plan.baseline(baseline != null ? baseline : Duration.ZERO).settle(settle != null ? settle : Duration.ZERO);
        }
        if (longLived != null || longSleep != null) {
            Durations.Range range = longSleep != null ? longSleep
                    : new Durations.Range(Duration.ofSeconds(10), Duration.ofSeconds(20));
            plan.longLived(longLived != null ? longLived : 20, range.min(), range.max());
        }
        if (longQuery != null) {
            plan.longQuery(longQuery);
        }
        if (streams != null) {
            plan.streams(streams);
        }
        if (streamPath != null) {
            plan.streamPath(streamPath);
        }
        if (streamInterval != null) {
            plan.streamInterval(streamInterval);
        }
        if (reconnectEvent != null) {
            plan.reconnectEvent(reconnectEvent.isEmpty() ? null : reconnectEvent);
        }
        if (streamIds != null) {
            try {
                plan.streamIds(SegmentedStream.IdRule.valueOf(streamIds.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--stream-ids: '" + streamIds + "': use consecutive or none");
            }
        }
        if (websockets != null || wsPath != null || wsInterval != null || wsResume != null || wsCleanClose != null
                || wsSeq != null) {
            WebSocketSpec base = plan.cohorts().stream().filter(c -> c instanceof WebSocketSpec).map(c -> (WebSocketSpec) c)
                    .findFirst().orElse(WebSocketSpec.lab(0).withPath(null));
            plan.cohort(new WebSocketSpec(websockets != null ? websockets : base.count(),
                    wsPath != null ? wsPath : base.path(), wsInterval != null ? wsInterval : base.interval(),
                    wsResume != null ? wsResume : base.resume(),
                    wsCleanClose != null ? new java.util.HashSet<>(wsCleanClose) : base.cleanCodes(), base.ids(),
                    wsSeq != null ? ValueSource.parse(wsSeq) : base.seq(), base.version(), base.instance()));
        }
        if (maxDuration != null || traffic.preset == null) {
            plan.maxDuration(maxDuration != null ? maxDuration : Duration.ofMinutes(10));
        }
        plan.upgradeMustSucceed(deployMustSucceed);
        Reports.removeRecords(dir); // a re-used --out: report DIR must never read an older run's records
        TrafficPlan built = plan.build();
        Upgrade upgrade = attack ? Upgrade.none(mode.duration)
                : Upgrade.command(List.of("bash", "-c", mode.during), Path.of("").toAbsolutePath(), Map.of());
        RunResult result = Harness.run(built, upgrade);
        return finish(spec, result, dir, junit);
    }

    /** Prints the summary, writes the reports, maps the verdict to the exit code. */
    static int finish(CommandLine.Model.CommandSpec spec, RunResult result, Path dir, Path junit) throws IOException {
        ReportFiles files = Reports.write(result, dir, junit);
        spec.commandLine().getOut().print(Summary.render(result.info(), result.verdict()));
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().println("reports: " + files.reportJson().getParent()
                + (junit != null ? " (JUnit: " + junit + ")" : ""));
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
