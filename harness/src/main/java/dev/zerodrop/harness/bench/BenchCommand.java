package dev.zerodrop.harness.bench;

import dev.zerodrop.harness.traffic.LoopbackGuard;
import dev.zerodrop.harness.traffic.Target;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Closed-loop maximum throughput of the harness's HTTP client, to compare with wrk. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Closed-loop maximum throughput, to compare with wrk.", sortOptions = false,
        description = {"N keep-alive connections, each sending its next GET as soon as the answer arrives "
                + "(like wrk). Measures the harness, not a deployment."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--target", paramLabel = "[NAME=]URL", required = true, description = "The one target.")
    String target;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "64",
            description = "Keep-alive connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "5s", converter = dev.zerodrop.harness.cli.Durations.class,
            description = "How long (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "2",
            description = "Event-loop threads (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--allow-remote", description = "Allow a target that is not a loopback address.")
    boolean allowRemote;

    @Override
    public Integer call() {
        Target t = Target.parse(target);
        LoopbackGuard.check(List.of(t), allowRemote);
        if (connections < 1 || connections > 10_000) {
            throw new IllegalArgumentException("--connections must be in [1, 10000]");
        }
        ClosedLoop.Result r = ClosedLoop.run(t, connections, duration, ioThreads);
        Histogram h = r.latencyMicros();
        spec.commandLine().getOut().printf(Locale.ROOT,
                "bench %d connections for %.1fs: %d requests, %.1f req/s; latency p50 %.2fms p90 %.2fms p99 %.2fms "
                        + "max %.2fms; errors %d%n",
                r.connections(), r.seconds(), r.requests(), r.requestsPerSecond(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, r.errors());
        spec.commandLine().getOut().printf(Locale.ROOT, "RESULT rps=%.1f errors=%d%n", r.requestsPerSecond(), r.errors());
        return r.errors() == 0 && r.requests() > 0 ? 0 : 1;
    }
}
