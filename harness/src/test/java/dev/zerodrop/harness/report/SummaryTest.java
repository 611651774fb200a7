package dev.zerodrop.harness.report;

import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.record.UpgradeWindow;
import dev.zerodrop.harness.verdict.Settings;
import dev.zerodrop.harness.verdict.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The summary prints the user's names as they are, and says when failures happened in the run's own terms. */
class SummaryTest {
    /** Targets named like methods, methods in both cases: every name printed exactly as given. */
    private static List<Record> records() {
        return IntStream.range(0, 40).mapToObj(i -> Record.builder().seq(i)
                .target(i % 2 == 0 ? "widget" : "postcode-lookup").cohort("steady")
                .method(i % 2 == 0 ? "GET" : "POST")
                .status(i == 7 ? 503 : 200).error(i == 7 ? ErrorClass.HTTP_5XX : ErrorClass.NONE)
                .at(i * 25.0, 1).build()).toList();
    }

    private static String render(UpgradeWindow window) {
        List<Record> rs = records();
        GeneratorStats g = GeneratorStats.of(rs.size(), rs.size(), 0, 1, 0, false);
        Verdict v = Verdict.of(rs, window, Settings.of(g, List.of("widget", "postcode-lookup"), List.of("steady")));
        RunInfo info = new RunInfo(RunInfo.HARNESS,
                Map.of("widget", "http://127.0.0.1:1/widget", "postcode-lookup", "http://127.0.0.1:1/postcode"),
                List.of("steady"), 40, window, g, 0, 1_000, RunInfo.SteadySpan.EMPTY, false, "all", Map.of());
        return Summary.render(info, v);
    }

    @Test
    void namesArePrintedAsGiven() {
        String s = render(new UpgradeWindow("deploy", 400, 600, 0, "", null, false));
        assertThat(s).contains("widget 20/0", "postcode-lookup 20/1", "GET 20/0", "POST 20/1")
                .doesNotContain("widGET", "POSTcode", "Get", "Post");
    }

    @Test
    void aPlainAttackSaysDuringTheRun() {
        UpgradeWindow idle = new UpgradeWindow("none", 0, 1_000, 0, "", null, true);
        String s = render(idle);
        assertThat(s).contains("during the run").doesNotContain("during upgrade", "before upgrade", "after upgrade");
    }

    @Test
    void aDeploySaysWhichPhase() {
        // Failure at +175 ms, inside the window 100..600 ms: "during upgrade". The control for the test above.
        String s = render(new UpgradeWindow("deploy", 100, 600, 0, "", null, false));
        assertThat(s).contains("during upgrade").doesNotContain("during the run");
    }
}
