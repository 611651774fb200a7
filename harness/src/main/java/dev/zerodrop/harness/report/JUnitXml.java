package dev.zerodrop.harness.report;

import dev.zerodrop.harness.record.ErrorClass;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.verdict.CaseResult;
import dev.zerodrop.harness.verdict.Verdict;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * The verdict as JUnit XML (the Ant/Surefire format every CI system reads): one test case per
 * target × cohort, failed when any of its attempts failed, with the error set and the first failed
 * records; one more case for the generator, failed when the run was INCONCLUSIVE. The suite fails
 * exactly when the verdict is not PASS.
 */
public final class JUnitXml {
    private JUnitXml() {
    }

    public static void write(RunInfo info, Verdict verdict, Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            long cases = verdict.cases().size() + 1;
            long failures = verdict.cases().values().stream().filter(c -> c.tally().failed() > 0).count()
                    + (verdict.inconclusive() ? 1 : 0);
            String time = String.format(Locale.ROOT, "%.3f", (info.endedAtMillis() - info.startedAtMillis()) / 1000);
            xml.writeStartElement("testsuites");
            xml.writeAttribute("name", "zerodrop-harness");
            xml.writeAttribute("tests", Long.toString(cases));
            xml.writeAttribute("failures", Long.toString(failures));
            xml.writeAttribute("errors", "0");
            xml.writeAttribute("time", time);
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", "zerodrop: " + info.window().name());
            xml.writeAttribute("tests", Long.toString(cases));
            xml.writeAttribute("failures", Long.toString(failures));
            xml.writeAttribute("errors", "0");
            xml.writeAttribute("skipped", "0");
            xml.writeAttribute("time", time);
            xml.writeAttribute("timestamp", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                    Instant.ofEpochMilli((long) info.startedAtMillis()).atOffset(ZoneOffset.UTC).withNano(0)));
            xml.writeStartElement("properties");
            property(xml, "verdict", verdict.outcome().name());
            property(xml, "headline", verdict.headline());
            property(xml, "upgrade", info.window().name());
            property(xml, "upgradeExitCode", Integer.toString(info.window().exitCode()));
            property(xml, "harness", info.harness());
            xml.writeEndElement();
            for (CaseResult c : verdict.cases().values()) {
                testCase(xml, c);
            }
            generatorCase(xml, verdict);
            xml.writeStartElement("system-out");
            xml.writeCData(Summary.render(info, verdict).replace("]]>", "]]]]><![CDATA[>"));
            xml.writeEndElement();
            xml.writeEndElement();
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("writing " + file + ": " + e.getMessage(), e);
        }
    }

    private static void property(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeEmptyElement("property");
        xml.writeAttribute("name", name);
        xml.writeAttribute("value", value);
    }

    private static void testCase(XMLStreamWriter xml, CaseResult c) throws XMLStreamException {
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", "zerodrop." + c.target());
        xml.writeAttribute("name", c.cohort() + " (" + c.tally().total() + " attempts)");
        xml.writeAttribute("time", "0");
        if (c.tally().failed() > 0) {
            xml.writeStartElement("failure");
            xml.writeAttribute("type", mostFrequent(c.errors()).label());
            xml.writeAttribute("message", c.tally().failed() + " of " + c.tally().total() + " failed: "
                    + Verdict.errorSummary(c.errors()));
            StringBuilder text = new StringBuilder("Error set:\n");
            for (Map.Entry<ErrorClass, Long> e : c.errors().entrySet()) {
                text.append("  ").append(e.getKey().label()).append(' ').append(e.getValue())
                        .append("  (").append(e.getKey().meaning()).append(")\n");
            }
            text.append("First failed records:\n");
            for (Record r : c.firstFailed()) {
                text.append("  ").append(describe(r)).append('\n');
            }
            xml.writeCharacters(text.toString());
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }

    /** The most frequent class; the first by label among equals. */
    private static ErrorClass mostFrequent(Map<ErrorClass, Long> errors) {
        ErrorClass best = null;
        for (Map.Entry<ErrorClass, Long> e : errors.entrySet()) {
            if (best == null || e.getValue() > errors.get(best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    private static void generatorCase(XMLStreamWriter xml, Verdict verdict) throws XMLStreamException {
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", "zerodrop.harness");
        xml.writeAttribute("name", "the run can prove its verdict (generator on schedule, every record there)");
        xml.writeAttribute("time", "0");
        if (verdict.inconclusive()) {
            xml.writeStartElement("failure");
            xml.writeAttribute("type", "inconclusive");
            xml.writeAttribute("message", String.join("; ", verdict.inconclusiveReasons()));
            xml.writeCharacters("The run proves nothing about the target: " + String.join("; ",
                    verdict.inconclusiveReasons()) + "\n");
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }

    private static String describe(Record r) {
        return String.format(Locale.ROOT, "%s %s #%d %s %s at %.3f: %s%s", r.target(), r.cohort(), r.seq(),
                r.channel().name().toLowerCase(Locale.ROOT), r.method(), r.intendedAtMs(), r.error().label(),
                r.message() != null ? " — " + r.message() : r.status() > 0 ? " — HTTP " + r.status() : "");
    }
}
