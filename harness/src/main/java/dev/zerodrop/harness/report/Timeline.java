package dev.zerodrop.harness.report;

import dev.zerodrop.harness.record.RunInfo;
import dev.zerodrop.harness.record.UpgradeWindow;
import dev.zerodrop.harness.verdict.Verdict;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StackedXYBarRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultTableXYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * timeline.png, two panels over the same seconds: answers per second stacked by served version with
 * failures in red (steady answers at their intended time, other cohorts' failures when seen), and
 * under it the steady latency per second — p50 dashed, p99 solid, per version — so a rollout's
 * latency cost shows, not only its drops. The upgrade window is shaded in both.
 */
public final class Timeline {
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 700;
    private static final Color FAILED = new Color(0xD6, 0x27, 0x28);
    private static final Color[] VERSION_COLORS = {
            new Color(0x1F, 0x77, 0xB4), new Color(0x2C, 0xA0, 0x2C), new Color(0x94, 0x67, 0xBD),
            new Color(0xFF, 0x7F, 0x0E), new Color(0x17, 0xBE, 0xCF), new Color(0x8C, 0x56, 0x4B)};
    private static final BasicStroke DASHED = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {4f, 3f}, 0f);

    private Timeline() {
    }

    public static void write(RunInfo info, Verdict verdict, TimelineData data, Path png) throws IOException {
        ChartUtils.saveChartAsPNG(png.toFile(), chart(info, verdict, data), WIDTH, HEIGHT);
    }

    static JFreeChart chart(RunInfo info, Verdict verdict, TimelineData data) {
        List<String> versions = new ArrayList<>(new TreeSet<>(data.seconds().stream()
                .flatMap(s -> s.answers().keySet().stream()).toList()));
        long lastSecond = data.seconds().isEmpty() ? 0 : data.seconds().get(data.seconds().size() - 1).second();
        // The chart's second 0 is the run's start; the data's origin may differ by the head start.
        double shift = (data.originMillis() - info.startedAtMillis()) / 1000;

        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(new NumberAxis("seconds from start"));
        combined.setGap(8);
        XYPlot requests = requestsPlot(data, versions, lastSecond, shift);
        XYPlot latency = latencyPlot(data, versions, shift);
        window(requests, info.window(), info.startedAtMillis(), true);
        window(latency, info.window(), info.startedAtMillis(), false);
        combined.add(requests, 3);
        combined.add(latency, 2);

        JFreeChart chart = new JFreeChart(shorten(verdict.headline(), 140), new Font(Font.SANS_SERIF, Font.BOLD, 13),
                combined, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYPlot requestsPlot(TimelineData data, List<String> versions, long lastSecond, double shift) {
        Map<String, Map<Long, Long>> answers = new TreeMap<>();
        Map<Long, Long> failures = new TreeMap<>();
        for (TimelineData.Second s : data.seconds()) {
            s.answers().forEach((v, n) -> answers.computeIfAbsent(v, k -> new TreeMap<>()).put(s.second(), n));
            if (s.failures() > 0) {
                failures.put(s.second(), s.failures());
            }
        }
        // A table dataset needs every series on the same x values: fill the gaps with zeros.
        DefaultTableXYDataset dataset = new DefaultTableXYDataset();
        for (String version : versions) {
            dataset.addSeries(series(version, answers.getOrDefault(version, Map.of()), lastSecond, shift));
        }
        dataset.addSeries(series("failed", failures, lastSecond, shift));
        dataset.setIntervalWidth(1.0);
        dataset.setIntervalPositionFactor(0.0);

        StackedXYBarRenderer renderer = new StackedXYBarRenderer(0.1);
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        for (int i = 0; i < versions.size(); i++) {
            renderer.setSeriesPaint(i, VERSION_COLORS[i % VERSION_COLORS.length]);
        }
        renderer.setSeriesPaint(versions.size(), FAILED);
        XYPlot plot = new XYPlot(dataset, null, new NumberAxis("answers/s by version, failures in red"), renderer);
        style(plot);
        return plot;
    }

    private static XYPlot latencyPlot(TimelineData data, List<String> versions, double shift) {
        XYSeriesCollection lines = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        int series = 0;
        for (int i = 0; i < versions.size(); i++) {
            String version = versions.get(i);
            XYSeries p50 = new XYSeries(version + " p50", true, false);
            XYSeries p99 = new XYSeries(version + " p99", true, false);
            for (TimelineData.Second s : data.seconds()) {
                Double a = s.p50().get(version);
                Double b = s.p99().get(version);
                if (a != null) {
                    p50.add(s.second() + shift + 0.5, Math.max(0.01, a));
                }
                if (b != null) {
                    p99.add(s.second() + shift + 0.5, Math.max(0.01, b));
                }
            }
            Color color = VERSION_COLORS[i % VERSION_COLORS.length];
            lines.addSeries(p50);
            renderer.setSeriesPaint(series, color);
            renderer.setSeriesStroke(series++, DASHED);
            lines.addSeries(p99);
            renderer.setSeriesPaint(series, color);
            renderer.setSeriesStroke(series++, new BasicStroke(1.6f));
        }
        LogarithmicAxis axis = new LogarithmicAxis("steady latency ms (p50 dashed, p99)");
        axis.setAllowNegativesFlag(false);
        axis.setAutoRangeNextLogFlag(true);
        XYPlot plot = new XYPlot(lines, null, axis, renderer);
        style(plot);
        return plot;
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    }

    /** The window: a light band behind the data (colours stay true), edged by lines in front. */
    private static void window(XYPlot plot, UpgradeWindow w, double origin, boolean label) {
        double start = (w.startMillis() - origin) / 1000;
        double end = (w.endMillis() - origin) / 1000;
        IntervalMarker band = new IntervalMarker(start, end);
        band.setPaint(new Color(0xFF, 0xE0, 0x8A));
        if (label) {
            band.setLabel((w.idle() ? "run: " : "upgrade: ") + shorten(w.name(), 60) + " (exit " + w.exitCode() + ")");
            band.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            band.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            band.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        }
        plot.addDomainMarker(band, Layer.BACKGROUND);
        for (double edge : new double[] {start, end}) {
            plot.addDomainMarker(new ValueMarker(edge, new Color(0xCC, 0x7A, 0x00), DASHED), Layer.FOREGROUND);
        }
    }

    private static XYSeries series(String key, Map<Long, Long> counts, long lastBin, double shift) {
        XYSeries series = new XYSeries(key, true, false);
        for (long bin = 0; bin <= lastBin; bin++) {
            series.add(bin + shift, counts.getOrDefault(bin, 0L));
        }
        return series;
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
