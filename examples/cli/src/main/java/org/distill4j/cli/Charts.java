package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** PNG charts for experiments, drawn headless with XChart. */
final class Charts {
    private Charts() {
    }

    /** A line chart of test errors against temperature (log x axis), one series per name. */
    static void errorsByTemperature(Path png, String title, Map<String, double[][]> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title)
                .xAxisTitle("temperature T (log scale)").yAxisTitle("errors").build();
        chart.getStyler().setXAxisLogarithmic(true);
        // Label 2..9 and 20 too, not only 1 and 10: the temperatures of interest lie between them.
        chart.getStyler().setXAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        double minT = Double.POSITIVE_INFINITY;
        double maxT = 0;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
            for (double t : e.getValue()[0]) {
                minT = Math.min(minT, t);
                maxT = Math.max(maxT, t);
            }
        }
        if (maxT > 0) {
            // A margin on both sides keeps the first and last points off the plot's edges.
            chart.getStyler().setXAxisMin(minT / 1.15);
            chart.getStyler().setXAxisMax(maxT * 1.15);
        }
        save(chart, png);
    }

    /** Grouped bars of class probabilities, one group per class, one colour per temperature. */
    static void softenedDistribution(Path png, String title, Map<String, double[]> probabilitiesByLabel) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder().width(800).height(500).title(title)
                .xAxisTitle("class").yAxisTitle("probability").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (Map.Entry<String, double[]> e : probabilitiesByLabel.entrySet()) {
            List<Integer> classes = new ArrayList<>();
            List<Double> p = new ArrayList<>();
            for (int c = 0; c < e.getValue().length; c++) {
                classes.add(c);
                p.add(e.getValue()[c]);
            }
            chart.addSeries(e.getKey(), classes, p);
        }
        save(chart, png);
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String name = png.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
