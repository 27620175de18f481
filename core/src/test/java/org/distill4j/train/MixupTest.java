package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MixupTest {
    @Test
    @DisplayName("each row becomes lambda * itself + (1 - lambda) * its partner, partners being a permutation of the rows")
    void mixesRowsWithAPermutation() {
        int rows = 7;
        int f = 3;
        float[] x = new float[rows * f];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.5f - 4;
        }
        float[] original = x.clone();
        Mixup.Mixing m = new Mixup(0.4f).apply(x, rows, f, new SplittableRandom(9));
        assertTrue(m.lambda() >= 0 && m.lambda() <= 1, "lambda " + m.lambda());
        int[] sorted = m.partners().clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, sorted);
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < f; k++) {
                float expected = m.lambda() * original[i * f + k] + (1 - m.lambda()) * original[m.partners()[i] * f + k];
                assertEquals(expected, x[i * f + k], 1e-6f, "row " + i + " feature " + k);
            }
        }
    }

    @Test
    @DisplayName("the same random stream gives the same mixing (resumed runs repeat their batches)")
    void isDeterministic() {
        float[] a = new float[20];
        float[] b = new float[20];
        for (int i = 0; i < 20; i++) {
            a[i] = b[i] = i;
        }
        Mixup.Mixing ma = new Mixup(1f).apply(a, 5, 4, new SplittableRandom(3));
        Mixup.Mixing mb = new Mixup(1f).apply(b, 5, 4, new SplittableRandom(3));
        assertEquals(ma.lambda(), mb.lambda());
        assertArrayEquals(ma.partners(), mb.partners());
        assertArrayEquals(a, b);
    }

    @Test
    @DisplayName("lambda follows Beta(alpha, alpha): mean 1/2, variance 1 / (4 (2 alpha + 1))")
    void lambdaIsBetaDistributed() {
        SplittableRandom random = new SplittableRandom(1);
        Mixup mixup = new Mixup(0.2f);
        int n = 20000;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            double l = mixup.apply(new float[2], 2, 1, random).lambda();
            sum += l;
            sumSquares += l * l;
        }
        double mean = sum / n;
        double variance = sumSquares / n - mean * mean;
        assertEquals(0.5, mean, 0.01);
        assertEquals(1 / (4 * (2 * 0.2 + 1)), variance, 0.01);
    }

    @Test
    @DisplayName("alpha must be positive and finite, and 0 in the config means off")
    void badAlpha() {
        assertThrows(IllegalArgumentException.class, () -> new Mixup(0f));
        assertThrows(IllegalArgumentException.class, () -> new Mixup(Float.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().mixupAlpha(-1f).build());
        assertTrue(e.getMessage().contains("mixup alpha must be >= 0"), e.getMessage());
    }
}
