package org.distill4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EvaluationTest {
    @Test
    void countsErrorsPerClassAndFillsTheConfusionMatrix() {
        int[] labels = {0, 0, 1, 2, 2, -1};
        int[] predicted = {0, 1, 1, 2, 0, 1};
        Evaluation e = Evaluation.of(predicted, labels, 3);
        assertEquals(5, e.examples(), "the unlabelled example is not counted");
        assertEquals(2, e.errors());
        assertArrayEquals(new int[] {1, 0, 1}, e.perClassErrors());
        assertArrayEquals(new int[] {2, 1, 2}, e.perClassCount());
        assertArrayEquals(new int[] {1, 1, 0}, e.confusion()[0]);
        assertArrayEquals(new int[] {1, 0, 1}, e.confusion()[2]);
        assertEquals(0.6, e.accuracy(), 1e-12);
    }
}
