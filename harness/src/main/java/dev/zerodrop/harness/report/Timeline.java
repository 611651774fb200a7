package dev.zerodrop.harness.report;

import dev.zerodrop.harness.RunResult;
import dev.zerodrop.harness.record.Cohort;
import dev.zerodrop.harness.record.Record;
import dev.zerodrop.harness.record.UpgradeWindow;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StackedXYBarRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultTableXYDataset;
import org.jfree.data.xy.XYSeries;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * timeline.png: answers per second stacked by served version, failures per second in red, the
 * upgrade window shaded. Steady answers are placed at their intended time; failures of long-lived
 * requests and streams at the moment they were seen.
 */
public final class Timeline {
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 500;
    private static final Color FAILED = new Color(0xD6, 0x27, 0x28);
    private static final Color[] VERSION_COLORS = {
            new Color(0x1F, 0x77, 0xB4), new Color(0x2C, 0xA0, 0x2C), new Color(0x94, 0x67, 0xBD),
            new Color(0xFF, 0x7F, 0x0E), new Color(0x17, 0xBE, 0xCF), new Color(0x8C, 0x56, 0x4B)};

    private Timeline() {
    }

    public static void write(RunResult result, Path png) throws IOException {
        ChartUtils.saveChartAsPNG(png.toFile(), chart(result), WIDTH, HEIGHT);
    }

    static JFreeChart chart(RunResult result) {
        double origin = result.startedAtMillis();
        Map<String, Map<Long, Long>> answers = new TreeMap<>();
        Map<Long, Long> failures = new TreeMap<>();
        long lastBin = 0;
        for (Record r : result.records()) {
            double at = r.cohort() == Cohort.STEADY ? r.intendedAtMs() : r.endAtMs();
            long bin = (long) Math.floor(Math.max(0, at - origin) / 1000);
            if (r.failed()) {
                failures.merge(bin, 1L, Long::sum);
                lastBin = Math.max(lastBin, bin);
            } else if (r.cohort() == Cohort.STEADY) {
                answers.computeIfAbsent(r.version() == null ? "unknown" : r.version(), k -> new TreeMap<>())
                        .merge(bin, 1L, Long::sum);
                lastBin = Math.max(lastBin, bin);
            }
        }

        // A table dataset needs every series on the same x values: fill the gaps with zeros.
        DefaultTableXYDataset dataset = new DefaultTableXYDataset();
        List<String> keys = new ArrayList<>(answers.keySet());
        for (String version : keys) {
            dataset.addSeries(series(version, answers.get(version), lastBin));
        }
        dataset.addSeries(series("failed", failures, lastBin));
        dataset.setIntervalWidth(1.0);
        dataset.setIntervalPositionFactor(0.0);

        StackedXYBarRenderer renderer = new StackedXYBarRenderer(0.1);
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        for (int i = 0; i < keys.size(); i++) {
            renderer.setSeriesPaint(i, VERSION_COLORS[i % VERSION_COLORS.length]);
        }
        renderer.setSeriesPaint(keys.size(), FAILED);

        NumberAxis x = new NumberAxis("seconds from start");
        x.setAutoRangeIncludesZero(true);
        NumberAxis y = new NumberAxis("requests per second (answers by version, failures in red)");
        XYPlot plot = new XYPlot(dataset, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));

        // The window: a light band behind the bars (bar colours stay true), edged by lines in front.
        UpgradeWindow w = result.window();
        double start = (w.startMillis() - origin) / 1000;
        double end = (w.endMillis() - origin) / 1000;
        IntervalMarker band = new IntervalMarker(start, end);
        band.setPaint(new Color(0xFF, 0xE0, 0x8A));
        band.setLabel("upgrade: " + shorten(w.name(), 60) + " (exit " + w.exitCode() + ")");
        band.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        band.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        band.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        plot.addDomainMarker(band, Layer.BACKGROUND);
        for (double edge : new double[] {start, end}) {
            ValueMarker line = new ValueMarker(edge, new Color(0xCC, 0x7A, 0x00),
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            plot.addDomainMarker(line, Layer.FOREGROUND);
        }

        JFreeChart chart = new JFreeChart(shorten(result.verdict().headline(), 140),
                new Font(Font.SANS_SERIF, Font.BOLD, 13), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYSeries series(String key, Map<Long, Long> counts, long lastBin) {
        XYSeries series = new XYSeries(key, true, false);
        for (long bin = 0; bin <= lastBin; bin++) {
            series.add(bin, counts.getOrDefault(bin, 0L));
        }
        return series;
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
