package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment charts are drawn without a display and come out as readable PNGs of the stated size. */
class ChartsTest {
    @Test
    void aTemperatureSweepIsDrawnHeadlessAsAPng(@TempDir Path dir) throws Exception {
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("30-30", new double[][] {{1, 2.5, 4, 8, 20}, {269, 256, 284, 366, 370}});
        series.put("800-800", new double[][] {{2, 4, 8, 20}, {108, 98, 92, 85}});
        Path png = dir.resolve("sweep.png");

        Charts.errorsByTemperature(png, "test errors against T", series);

        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "not a readable PNG: " + png);
        assertEquals(800, image.getWidth());
        assertEquals(500, image.getHeight());
    }

    @Test
    void aSoftenedDistributionIsDrawnHeadlessAsAPng(@TempDir Path dir) throws Exception {
        Map<String, double[]> byTemperature = new LinkedHashMap<>();
        byTemperature.put("T = 1", new double[] {0.01, 0.98, 0.01});
        byTemperature.put("T = 20", new double[] {0.3, 0.4, 0.3});
        Path png = dir.resolve("soften.png");

        Charts.softenedDistribution(png, "one digit", byTemperature);

        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "not a readable PNG: " + png);
        assertEquals(800, image.getWidth());
    }
}
