package dev.zerodrop.harness.cli;

import dev.zerodrop.harness.Presets;
import dev.zerodrop.harness.ProgressSink;
import dev.zerodrop.harness.RecordsOutput;
import dev.zerodrop.harness.TrafficPlan;
import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.rules.AnswerRules;
import dev.zerodrop.harness.rules.StatusSet;
import dev.zerodrop.harness.rules.ValueSource;
import dev.zerodrop.harness.traffic.RequestTemplate;
import dev.zerodrop.harness.traffic.Target;
import dev.zerodrop.harness.traffic.TargetsFile;
import dev.zerodrop.harness.traffic.Tls;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Options every traffic-sending command shares: where traffic goes and what is sent, what counts as
 * success, TLS, engine tuning, records. Options left out keep the preset's value (with
 * {@code --preset}) or the documented default.
 */
final class TrafficOptions {
    @Option(names = "--preset", paramLabel = "NAME", order = 1,
            description = "Start from a named plan: 'lab' = the lab's standard traffic (needs --base). "
                    + "Any option below overrides it.")
    String preset;

    @Option(names = "--base", paramLabel = "URL", order = 2,
            description = "The proxy a preset's targets live under, e.g. http://127.0.0.1:18081.")
    URI base;

    // Checked in plan(), not by picocli: a required option here would also be demanded of subcommands.
    @Option(names = "--target", paramLabel = "[NAME=]URL", order = 3,
            description = "Where traffic goes (repeatable), http:// or https://. NAME defaults to the URL's last path "
                    + "segment, else its host. Loopback only unless --allow-remote.")
    List<String> targets;

    @Option(names = "--targets", paramLabel = "FILE", order = 4,
            description = "A vegeta targets file: 'METHOD URL' lines, header lines, '@body-file'; blank lines "
                    + "between entries. Each entry is one target.")
    Path targetsFile;

    @Option(names = "--method", paramLabel = "METHOD", split = ",", order = 5,
            description = "Methods sent to each --target (default: GET only; the harness never invents a write).")
    List<String> methods;

    @Option(names = "--header", paramLabel = "'NAME: VALUE'", order = 6,
            description = "A header on every request (repeatable). $${VAR} is read from the environment. "
                    + "Values never appear in records or reports.")
    List<String> headers;

    @Option(names = "--body", paramLabel = "FILE", order = 7, description = "The body sent with each --target request.")
    Path body;

    @Option(names = "--channels", paramLabel = "new,reused", split = ",", order = 8,
            description = "Connections to use, counted apart (default: new,reused).")
    List<String> channels;

    @Option(names = "--rate", paramLabel = "REQ/S", order = 10,
            description = "Steady requests per second over all targets (default: 100; lab: 300).")
    Double rate;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class, order = 11,
            description = "A request with no full answer within this fails as TIMEOUT (default: 5s).")
    Duration timeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = Durations.class, order = 12,
            description = "TCP connect timeout (default: the smaller of --timeout and 2s).")
    Duration connectTimeout;

    @Option(names = "--expect-status", paramLabel = "LIST", order = 20,
            description = "Statuses that count as success: codes, classes, ranges: 2xx, 200,204, 200-299 (default: 2xx).")
    String expectStatus;

    @Option(names = "--expect-body", paramLabel = "REGEX", order = 21,
            description = "The body must contain a match (default: none; lab: ^Hi! from ).")
    String expectBody;

    @Option(names = "--expect-header", paramLabel = "NAME=REGEX", order = 22,
            description = "A response header must be present and contain a match (repeatable).")
    List<String> expectHeaders;

    @Option(names = "--version-from", paramLabel = "SOURCE", order = 23,
            description = "Where the serving version is read, tried in order (repeatable): header:NAME, "
                    + "body:REGEX-WITH-A-GROUP, json:/pointer (default: header:X-App-Version). Without a version, "
                    + "switch-over and rollout figures are left out, never guessed.")
    List<String> versionFrom;

    @Option(names = "--instance-from", paramLabel = "SOURCE", order = 24,
            description = "Where the answering instance is read, like --version-from (default: header:X-App-Instance).")
    List<String> instanceFrom;

    @Option(names = "--cacert", paramLabel = "FILE", order = 30, description = "Trust this CA (PEM) for https:// targets.")
    Path cacert;

    @Option(names = "--insecure", order = 31,
            description = "Do not verify TLS certificates (printed as a warning and marked in the report).")
    boolean insecure;

    @Option(names = "--cert", paramLabel = "FILE", order = 32, description = "Client certificate (PEM) for mTLS.")
    Path cert;

    @Option(names = "--key", paramLabel = "FILE", order = 33, description = "Its private key (PEM, PKCS#8).")
    Path key;

    @Option(names = "--records", paramLabel = "all|failed|none", order = 40,
            description = "Which records are written to records.jsonl (default: all). The verdict is built either way.")
    String records;

    @Option(names = "--records-gzip", order = 41, description = "Write records.jsonl.gz instead.")
    boolean recordsGzip;

    @Option(names = "--max-in-flight", paramLabel = "N", order = 50,
            description = "Requests open at once, at most; beyond it requests are skipped and the run is "
                    + "INCONCLUSIVE (default: 20000, less if the open-file limit is lower).")
    Integer maxInFlight;

    @Option(names = "--io-threads", paramLabel = "N", order = 51, description = "Event-loop threads (default: 2).")
    Integer ioThreads;

    @Option(names = "--allow-remote", order = 52, description = "Allow targets that are not loopback addresses.")
    boolean allowRemote;

    @Option(names = "--realtime", order = 54,
            description = "The generator's own threads (schedule, I/O) at the lowest real-time priority (Linux "
                    + "SCHED_RR 1; needs root or CAP_SYS_NICE), so a busy host cannot make the run INCONCLUSIVE by "
                    + "starving it. The --during command keeps normal priority.")
    boolean realtime;

    @Option(names = "--quiet", order = 53, description = "No progress line and no echo of the command's output.")
    boolean quiet;

    /** The plan so far; the command adds its own options and builds it. */
    TrafficPlan.Builder plan(CommandLine.Model.CommandSpec spec, ProgressSink sink, Path recordsFile) {
        boolean haveTargets = (targets != null && !targets.isEmpty()) || targetsFile != null;
        if ((methods != null || body != null) && (targets == null || targets.isEmpty())) {
            throw new IllegalArgumentException("--method and --body apply to --target targets (a targets file names "
                    + "each entry's method and body; a preset has its own requests)");
        }
        TrafficPlan.Builder plan;
        if (preset != null) {
            plan = Presets.named(preset, base);
            if (haveTargets) {
                plan.clearTargets();
            }
        } else {
            if (base != null) {
                throw new IllegalArgumentException("--base goes with --preset");
            }
            if (!haveTargets) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Missing required option: '--target=[NAME=]URL', --targets FILE or --preset lab --base URL");
            }
            plan = dev.zerodrop.harness.TrafficPlan.builder();
        }
        plan.progress(sink).realtime(realtime);
        if (targets != null) {
            for (String t : targets) {
                plan.target(customise(Target.parse(t), plan));
            }
        }
        if (targetsFile != null) {
            for (Target t : TargetsFile.read(targetsFile, System::getenv)) {
                plan.target(channels == null ? t : t.withChannels(channels()));
            }
        }
        if (preset != null && !haveTargets && channels != null) {
            List<Target> all = plan.targets();
            plan.clearTargets();
            all.forEach(t -> plan.target(t.withChannels(channels())));
        }
        addHeaders(plan);
        if (rate != null) {
            plan.rate(rate);
        }
        if (timeout != null) {
            plan.requestTimeout(timeout);
        }
        if (connectTimeout != null) {
            plan.connectTimeout(connectTimeout);
        }
        if (maxInFlight != null) {
            plan.maxInFlight(maxInFlight);
        }
        if (ioThreads != null) {
            plan.ioThreads(ioThreads);
        }
        plan.allowNonLoopback(allowRemote);
        plan.rules(rules(plan.rules()));
        plan.tls(new Tls(cacert, insecure, cert, key));
        RecordsOutput.Mode mode = records == null ? RecordsOutput.Mode.ALL : RecordsOutput.Mode.parse(records);
        Path file = recordsFile == null ? null
                : recordsGzip ? recordsFile.resolveSibling(recordsFile.getFileName() + ".gz") : recordsFile;
        plan.records(new RecordsOutput(mode, file, false));
        return plan;
    }

    /** A --target with the methods, body and channels the options ask for (the preset's requests without --method). */
    private Target customise(Target target, TrafficPlan.Builder plan) {
        List<RequestTemplate> requests = preset != null ? Presets.labRequests(target.uri()) : target.requests();
        if (methods != null) {
            byte[] bytes = null;
            if (body != null) {
                try {
                    bytes = Files.readAllBytes(body);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read --body " + body + ": " + e.getMessage());
                }
            }
            requests = new ArrayList<>();
            for (String m : methods) {
                String method = m.trim().toUpperCase(Locale.ROOT);
                requests.add(new RequestTemplate(method, target.pathAndQuery(), List.of(),
                        method.equals("GET") || method.equals("HEAD") ? null : bytes));
            }
        } else if (body != null) {
            throw new IllegalArgumentException("--body needs --method (a body goes with POST, PUT...; GET is the default)");
        }
        Target t = target.withRequests(requests);
        return channels == null ? t : t.withChannels(channels());
    }

    /** --header goes on every request of every target (a preset's and a targets file's too). */
    private void addHeaders(TrafficPlan.Builder plan) {
        if (headers == null) {
            return;
        }
        List<RequestTemplate.Header> extra = headers.stream().map(h -> RequestTemplate.parseHeader(h, System::getenv)).toList();
        List<Target> all = plan.targets();
        plan.clearTargets();
        for (Target t : all) {
            plan.target(t.withRequests(t.requests().stream().map(r -> r.withHeaders(extra)).toList()));
        }
    }

    private List<Channel> channels() {
        List<Channel> list = new ArrayList<>();
        for (String c : channels) {
            try {
                list.add(Channel.valueOf(c.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--channels: '" + c + "' is not a channel: use new, reused or new,reused");
            }
        }
        return list;
    }

    private AnswerRules rules(AnswerRules start) {
        AnswerRules rules = start;
        if (expectStatus != null) {
            rules = rules.withStatus(StatusSet.parse(expectStatus));
        }
        if (expectBody != null) {
            try {
                rules = rules.withBody(Pattern.compile(expectBody, Pattern.MULTILINE));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--expect-body: not a regex: " + e.getDescription());
            }
        }
        if (expectHeaders != null) {
            for (String h : expectHeaders) {
                Map.Entry<String, Pattern> rule = AnswerRules.parseHeaderRule(h);
                rules = rules.withHeader(rule.getKey(), rule.getValue());
            }
        }
        if (versionFrom != null) {
            rules = rules.withVersionFrom(versionFrom.stream().map(ValueSource::parse).toList());
        }
        if (instanceFrom != null) {
            rules = rules.withInstanceFrom(instanceFrom.stream().map(ValueSource::parse).toList());
        }
        return rules;
    }
}
