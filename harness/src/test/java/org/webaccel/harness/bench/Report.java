package org.webaccel.harness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;

/** The benchmark's outputs: a text table, a Markdown table, a JSON file and a PNG plot. */
public final class Report {
    private final Map<String, Object> machine;
    private final Map<String, Object> settings;
    private final List<Figure> figures;

    /**
     * @param machine what the run ran on (CPU, cores, memory, browser and runtime versions, load)
     * @param settings the configuration of the run
     * @param figures the measured figures
     */
    public Report(Map<String, Object> machine, Map<String, Object> settings, List<Figure> figures) {
        this.machine = machine;
        this.settings = settings;
        this.figures = List.copyOf(figures);
    }

    /** @return the measured figures */
    public List<Figure> figures() {
        return figures;
    }

    /**
     * Writes {@code benchmark.txt}, {@code benchmark.md}, {@code benchmark.json} and {@code benchmark.png}.
     *
     * @param folder where, created if missing
     * @return the text table
     * @throws IOException if a file cannot be written
     */
    public String write(Path folder) throws IOException {
        Files.createDirectories(folder);
        String table = table();
        Files.writeString(folder.resolve("benchmark.txt"), table);
        Files.writeString(folder.resolve("benchmark.md"), markdown());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(folder.resolve("benchmark.json").toFile(), asJson());
        ImageIO.write(plot(), "png", folder.resolve("benchmark.png").toFile());
        return table;
    }

    /** @return the report as plain maps and lists, as written to JSON */
    public Map<String, Object> asJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine);
        root.put("settings", settings);
        List<Object> list = new ArrayList<>();
        for (Figure f : figures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", f.id());
            m.put("title", f.title());
            m.put("series", f.series());
            m.put("ratios", f.ratios());
            m.put("facts", f.facts());
            list.add(m);
        }
        root.put("figures", list);
        return root;
    }

    private static String num(double v) {
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }

    /** @return the fixed-width table printed at the end of a run */
    public String table() {
        StringBuilder s = new StringBuilder();
        String row = "%-10s %-46s %10s %23s %4s  %s%n";
        s.append(String.format(Locale.ROOT, row, "figure", "measurement", "median", "spread (q1 - q3)", "n", "unit"));
        for (Figure f : figures) {
            for (Figure.Series x : f.series()) {
                Summary m = x.summary();
                s.append(String.format(Locale.ROOT, row, f.id(), x.name(), num(m.median()),
                        num(m.q1()) + " - " + num(m.q3()), m.n(), x.unit()));
            }
            for (Figure.Ratio r : f.ratios()) {
                Summary m = r.summary();
                s.append(String.format(Locale.ROOT, row, f.id(), r.name(), num(m.median()) + "x",
                        num(m.q1()) + " - " + num(m.q3()), m.n(), "ratio"));
            }
            for (Map.Entry<String, Object> e : f.facts().entrySet()) {
                s.append(String.format(Locale.ROOT, "%-10s %-46s %s%n", f.id(), e.getKey(), e.getValue()));
            }
        }
        return s.toString();
    }

    /** @return the same table in Markdown, for the README */
    public String markdown() {
        StringBuilder s = new StringBuilder("| figure | measurement | median | q1 - q3 | n | unit |\n");
        s.append("|---|---|---:|---:|---:|---|\n");
        for (Figure f : figures) {
            for (Figure.Series x : f.series()) {
                Summary m = x.summary();
                s.append("| ").append(f.id()).append(" | ").append(x.name()).append(" | ").append(num(m.median()))
                        .append(" | ").append(num(m.q1())).append(" - ").append(num(m.q3())).append(" | ")
                        .append(m.n()).append(" | ").append(x.unit()).append(" |\n");
            }
            for (Figure.Ratio r : f.ratios()) {
                Summary m = r.summary();
                s.append("| ").append(f.id()).append(" | **").append(r.name()).append("** | **")
                        .append(num(m.median())).append("x** | ").append(num(m.q1())).append(" - ")
                        .append(num(m.q3())).append(" | ").append(m.n()).append(" | ratio |\n");
            }
            for (Map.Entry<String, Object> e : f.facts().entrySet()) {
                s.append("| ").append(f.id()).append(" | ").append(e.getKey()).append(" | ").append(e.getValue())
                        .append(" | | | |\n");
            }
        }
        return s.toString();
    }

    /** @return one box plot per figure (median, quartiles, whiskers), laid out two to a row */
    public BufferedImage plot() {
        int columns = 2;
        int width = 760;
        int height = 460;
        int rows = Math.max(1, (figures.size() + columns - 1) / columns);
        BufferedImage image = new BufferedImage(columns * width, rows * height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int i = 0; i < figures.size(); i++) {
            JFreeChart chart = chart(figures.get(i));
            chart.draw(g, new Rectangle2D.Double((i % columns) * width, (i / columns) * height, width, height));
        }
        g.dispose();
        return image;
    }

    private static JFreeChart chart(Figure f) {
        DefaultBoxAndWhiskerCategoryDataset data = new DefaultBoxAndWhiskerCategoryDataset();
        String unit = f.series().isEmpty() ? "" : f.series().get(0).unit();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Figure.Series s : f.series()) {
            // One panel, one axis: series of another unit than the first are left to the table.
            if (!s.unit().equals(unit)) {
                continue;
            }
            data.add(s.samples(), "samples", s.name());
            min = Math.min(min, s.summary().min());
            max = Math.max(max, s.summary().max());
        }
        BoxAndWhiskerRenderer renderer = new BoxAndWhiskerRenderer();
        renderer.setMeanVisible(false);
        renderer.setMaximumBarWidth(0.12);
        renderer.setSeriesPaint(0, new Color(0x4C78A8));
        CategoryAxis categories = new CategoryAxis();
        categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        categories.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        categories.setMaximumCategoryLabelLines(2);
        ValueAxis values;
        // Wide ranges (milliseconds of a small and a medium model) read better on a log scale.
        if (min > 0 && max / min > 30) {
            LogAxis log = new LogAxis(unit + " (log scale)");
            log.setSmallestValue(min / 2);
            log.setNumberFormatOverride(new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)));
            values = log;
        } else {
            NumberAxis linear = new NumberAxis(unit);
            linear.setAutoRangeIncludesZero(true);
            values = linear;
        }
        CategoryPlot plot = new CategoryPlot(data, categories, values, renderer);
        plot.setBackgroundPaint(new Color(0xF7F7F7));
        JFreeChart chart = new JFreeChart(f.id() + ": " + f.title(), new Font(Font.SANS_SERIF, Font.BOLD, 12), plot,
                false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
