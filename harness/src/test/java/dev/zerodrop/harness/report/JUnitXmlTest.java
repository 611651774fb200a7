package dev.zerodrop.harness.report;

import dev.zerodrop.harness.record.Channel;
import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.GeneratorStats;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.record.UpgradeWindow;
import dev.zerodrop.harness.verdict.Settings;
import dev.zerodrop.harness.verdict.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The JUnit XML a CI system reads, parsed back: one case per target and cohort, failures with their evidence. */
class JUnitXmlTest {
    @TempDir
    Path dir;

    private static final UpgradeWindow WINDOW = new UpgradeWindow("deploy <v2> & \"go\"", 1_000, 2_000, 0, "", null, false);
    private static final String GENERATOR = "zerodrop.harness/the run can prove its verdict (generator on schedule, every record there)";

    private static RunInfo info(GeneratorStats g) {
        Map<String, String> targets = new LinkedHashMap<>();
        targets.put("api", "http://127.0.0.1:1/api");
        targets.put("web", "http://127.0.0.1:1/web");
        return new RunInfo(RunInfo.HARNESS, targets, List.of("steady", "long"), 10, WINDOW, g, 0, 3_000,
                RunInfo.SteadySpan.EMPTY, false, "all", Map.of());
    }

    private static Document parse(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    @Test
    void failedCasesCarryTheirErrorSetAndFirstRecords() throws Exception {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            boolean fail = i >= 10 && i < 13;
            Record.Builder b = Record.builder().seq(i).target(i % 2 == 0 ? "api" : "web").channel(Channel.NEW).at(i * 100, 5);
            records.add((fail ? b.error(ErrorClass.RESET).message("SocketException: Connection reset <&>") : b.status(200)).build());
        }
        records.add(Record.builder().seq(0).target("api").cohort("long").status(200).at(500, 1_000).build());
        GeneratorStats g = GeneratorStats.of(20, 20, 0, 1, 0, false);
        Verdict v = Verdict.of(records, WINDOW, Settings.of(g, List.of("api", "web"), List.of("steady", "long")));
        Path file = dir.resolve("out/junit.xml");

        JUnitXml.write(info(g), v, file);
        Document doc = parse(file);

        Element suites = doc.getDocumentElement();
        assertThat(suites.getTagName()).isEqualTo("testsuites");
        assertThat(suites.getAttribute("tests")).isEqualTo("5"); // api×{steady,long}, web×{steady,long}, generator
        assertThat(suites.getAttribute("failures")).isEqualTo("2");
        Element suite = (Element) suites.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("name")).isEqualTo("zerodrop: deploy <v2> & \"go\"");
        NodeList cases = suite.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(5);
        Map<String, Element> byName = new LinkedHashMap<>();
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            byName.put(c.getAttribute("classname") + "/" + c.getAttribute("name"), c);
        }
        assertThat(byName).containsKeys("zerodrop.api/steady (10 attempts)", "zerodrop.web/steady (10 attempts)",
                "zerodrop.api/long (1 attempts)", "zerodrop.web/long (0 attempts)", GENERATOR);
        Element apiFailure = (Element) byName.get("zerodrop.api/steady (10 attempts)").getElementsByTagName("failure").item(0);
        assertThat(apiFailure.getAttribute("type")).isEqualTo("reset");
        assertThat(apiFailure.getAttribute("message")).isEqualTo("2 of 10 failed: reset 2");
        assertThat(apiFailure.getTextContent()).contains("reset 2", "api steady #10", "api steady #12",
                "Connection reset <&>");
        assertThat(byName.get("zerodrop.api/long (1 attempts)").getElementsByTagName("failure").getLength()).isZero();
        assertThat(byName.get(GENERATOR).getElementsByTagName("failure").getLength())
                .isZero();
        assertThat(suite.getElementsByTagName("system-out").item(0).getTextContent()).contains("VERDICT: FAIL 3 of 21");
    }

    @Test
    void anInconclusiveRunFailsTheGeneratorCaseAndAPassFailsNothing() throws Exception {
        List<Record> ok = List.of(Record.builder().seq(0).target("api").status(200).at(100, 1).build(),
                Record.builder().seq(1).target("web").status(200).at(200, 1).build());
        GeneratorStats late = GeneratorStats.of(2, 2, 1, 50, 0, false);
        Verdict inconclusive = Verdict.of(ok, WINDOW, Settings.of(late, List.of("api", "web"), List.of("steady")));
        JUnitXml.write(info(late), inconclusive, dir.resolve("i.xml"));
        Document doc = parse(dir.resolve("i.xml"));
        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        Element failure = (Element) doc.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("type")).isEqualTo("inconclusive");
        assertThat(failure.getAttribute("message")).contains("generator fell behind");

        GeneratorStats clean = GeneratorStats.of(2, 2, 0, 1, 0, false);
        Verdict pass = Verdict.of(ok, WINDOW, Settings.of(clean, List.of("api", "web"), List.of("steady")));
        JUnitXml.write(info(clean), pass, dir.resolve("p.xml"));
        Document passed = parse(dir.resolve("p.xml"));
        assertThat(passed.getDocumentElement().getAttribute("failures")).isEqualTo("0");
        assertThat(passed.getElementsByTagName("failure").getLength()).isZero();
        NodeList props = passed.getElementsByTagName("property");
        assertThat(((Element) props.item(0)).getAttribute("value")).isEqualTo("PASS");
    }
}
