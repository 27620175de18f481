package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProbabilitiesTest {
    @Test
    void knownValues() {
        assertArrayEquals(new double[] {0.25, 0.75}, Probabilities.softmax(new float[] {0f, (float) Math.log(3)}, 1), 1e-7);
        assertArrayEquals(new double[] {0.25, 0.75},
                Probabilities.softmax(new float[] {0f, (float) (2 * Math.log(3))}, 2), 1e-7, "T = 2 halves the logits");
    }

    @Test
    void hugeLogitsDoNotOverflow() {
        assertArrayEquals(new double[] {0, 1, 0}, Probabilities.softmax(new float[] {1e4f, 3e4f, -3e38f}, 0.5), 1e-12);
    }

    @Test
    void aRowInsideALargerArray() {
        assertArrayEquals(new double[] {0.5, 0.5}, Probabilities.softmax(new float[] {9, 1, 1, 9}, 1, 2, 1), 0);
    }

    @Test
    void temperatureMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Probabilities.softmax(new float[] {1, 2}, 0));
    }
}
