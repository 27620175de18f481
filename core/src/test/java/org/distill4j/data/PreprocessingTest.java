package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Preprocessing is fitted on the training set and applied the same way to any raw features. */
class PreprocessingTest {
    private static final Dataset TRAIN = new Dataset(new float[] {
            1, 10, 5,
            3, 10, 7,
            5, 10, 0}, 3, new int[] {0, 1, 0}, 2);

    @Test
    @DisplayName("standardisation uses the training mean and population standard deviation; a constant feature gets scale 1")
    void standardize() {
        Preprocessing p = Preprocessing.fit(Preprocessing.Kind.STANDARDIZE, TRAIN, null);
        assertArrayEquals(new float[] {3, 10, 4}, p.offset());
        float sd0 = (float) Math.sqrt(8.0 / 3);
        float sd2 = (float) Math.sqrt(26.0 / 3);
        assertArrayEquals(new float[] {1 / sd0, 1, 1 / sd2}, p.scale(), 1e-6f);
        assertArrayEquals(new float[] {(1 - 3) / sd0, 0, (5 - 4) / sd2}, p.transform(new float[] {1, 10, 5}, 1), 1e-6f);
    }

    @Test
    @DisplayName("min-max maps the training set's smallest value to 0 and its largest to 1, for every feature alike")
    void minMax() {
        Preprocessing p = Preprocessing.fit(Preprocessing.Kind.MIN_MAX, TRAIN, null);
        assertArrayEquals(new float[] {0, 1, 0.5f}, p.transform(new float[] {0, 10, 5}, 1), 1e-6f);
    }

    @Test
    @DisplayName("none leaves features as they are")
    void none() {
        Preprocessing p = Preprocessing.fit(Preprocessing.Kind.NONE, TRAIN, null);
        assertArrayEquals(new float[] {1, 10, 5, 3, 10, 7}, p.transform(new float[] {1, 10, 5, 3, 10, 7}, 2));
    }

    @Test
    @DisplayName("a missing value is filled with the stored training mean when the model imputes, and refused otherwise")
    void missingValues() {
        Preprocessing imputing = Preprocessing.fit(Preprocessing.Kind.NONE, TRAIN, new float[] {3, 10, 4});
        assertArrayEquals(new float[] {3, 10, 4}, imputing.transform(new float[] {Float.NaN, 10, Float.NaN}, 1));
        Preprocessing strict = Preprocessing.fit(Preprocessing.Kind.NONE, TRAIN, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> strict.transform(new float[] {1, 2, 3, 4, Float.NaN, 6}, 2));
        assertTrue(e.getMessage().contains("feature 1 of example 1 is NaN"), e.getMessage());
        IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
                () -> imputing.transform(new float[] {Float.POSITIVE_INFINITY, 1, 1}, 1));
        assertTrue(inf.getMessage().contains("feature 0 of example 0 is Infinity"), inf.getMessage());
    }

    @Test
    @DisplayName("apply keeps labels and transforms every example")
    void applyToDataset() {
        Dataset scaled = Preprocessing.fit(Preprocessing.Kind.MIN_MAX, TRAIN, null).apply(TRAIN);
        assertEquals(3, scaled.size());
        assertArrayEquals(TRAIN.labels(), scaled.labels());
        float[] row = new float[3];
        scaled.features(1, row);
        assertArrayEquals(new float[] {0.3f, 1, 0.7f}, row, 1e-6f);
    }

    @Test
    @DisplayName("parts read from a file are checked: a scale of 0 or a NaN offset is refused")
    void partsAreChecked() {
        assertThrows(IllegalArgumentException.class,
                () -> Preprocessing.of(Preprocessing.Kind.STANDARDIZE, new float[] {0}, new float[] {0}, null));
        assertThrows(IllegalArgumentException.class,
                () -> Preprocessing.of(Preprocessing.Kind.STANDARDIZE, new float[] {Float.NaN}, new float[] {1}, null));
    }
}
