package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DatasetTest {
    /** Five examples of two features (10 i, 10 i + 1) with labels 0, 1, 2, -1, 1 of three classes. */
    private static Dataset five() {
        float[] f = new float[10];
        for (int i = 0; i < 5; i++) {
            f[2 * i] = 10 * i;
            f[2 * i + 1] = 10 * i + 1;
        }
        return new Dataset(f, 2, new int[] {0, 1, 2, -1, 1}, 3);
    }

    private static float[] firstFeatures(Dataset d) {
        float[] out = new float[d.size()];
        float[] row = new float[d.featureCount()];
        for (int i = 0; i < d.size(); i++) {
            d.features(i, row);
            out[i] = row[0];
        }
        return out;
    }

    @Test
    void describesItself() {
        Dataset d = five();
        assertEquals(5, d.size());
        assertEquals(2, d.featureCount());
        assertEquals(3, d.classCount());
        assertEquals(4, d.labelledCount());
        assertArrayEquals(new int[] {1, 2, 1}, d.classCounts());
        assertEquals(-1, d.label(3));
        assertTrue(d.imageShape().isEmpty());
        assertEquals("Dataset[5 examples x 2 features, 3 classes, 4 labelled]", d.toString());
    }

    @Test
    void featuresAreCopiedIntoTheGivenArray() {
        float[] dst = {9, 9, 9, 9};
        five().features(2, dst, 1);
        assertArrayEquals(new float[] {9, 20, 21, 9}, dst);
        assertThrows(IndexOutOfBoundsException.class, () -> five().features(5, dst));
        assertThrows(IndexOutOfBoundsException.class, () -> five().features(0, dst, 3));
    }

    @Test
    void gatherCopiesABatchWithFloatLabels() {
        float[] features = new float[6];
        float[] labels = new float[3];
        five().gather(new int[] {4, 3, 0, 2}, 1, 3, features, labels);
        assertArrayEquals(new float[] {30, 31, 0, 1, 20, 21}, features);
        assertArrayEquals(new float[] {-1, 0, 2}, labels);
        five().gather(new int[] {1}, 0, 1, null, labels);
        assertEquals(1, labels[0]);
    }

    @Test
    void labelsAndShapesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[2], 1, new int[] {0, 3}, 3));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[2], 1, new int[] {0, -2}, 3));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[3], 1, new int[] {0, 1}, 3));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[8], 4, new int[] {0, 1}, 3,
                new Dataset.ImageShape(1, 3, 1)));
        assertThrows(IllegalArgumentException.class, () -> new Dataset(new float[0], 1, new int[0], 0));
        Dataset images = new Dataset(new float[8], 4, new int[] {0, 1}, 2, new Dataset.ImageShape(1, 2, 2));
        assertEquals(new Dataset.ImageShape(1, 2, 2), images.imageShape().orElseThrow());
    }

    @Test
    void subsetKeepsTheGivenOrderAndAllowsRepeats() {
        Dataset s = five().subset(new int[] {4, 0, 4});
        assertArrayEquals(new float[] {40, 0, 40}, firstFeatures(s));
        assertArrayEquals(new int[] {1, 0, 1}, s.labels());
        assertEquals(3, s.classCount());
        assertThrows(IndexOutOfBoundsException.class, () -> five().subset(new int[] {5}));
    }

    @Test
    void sliceTakesAContiguousRange() {
        Dataset s = five().slice(1, 3);
        assertArrayEquals(new float[] {10, 20}, firstFeatures(s));
        assertArrayEquals(new int[] {1, 2}, s.labels());
    }

    @Test
    void withoutClassesDropsThoseLabelsAndKeepsUnlabelledExamples() {
        Dataset d = five().withoutClasses(1);
        assertArrayEquals(new int[] {0, 2, -1}, d.labels());
        assertArrayEquals(new float[] {0, 20, 30}, firstFeatures(d));
        assertArrayEquals(new int[] {0, 2, 3}, five().indicesWithoutClasses(1));
        assertEquals(3, d.classCount(), "labels are not renumbered");
    }

    @Test
    void onlyClassesKeepsLabelledExamplesOfThoseClasses() {
        assertArrayEquals(new int[] {1, 2, 1}, five().onlyClasses(1, 2).labels());
        assertArrayEquals(new int[] {1, 2, 4}, five().indicesOnlyClasses(2, 1));
        assertThrows(IllegalArgumentException.class, () -> five().onlyClasses(3));
    }

    @Test
    void unlabelledCopyForgetsLabelsButKeepsFeatures() {
        Dataset original = five();
        Dataset u = original.unlabelled();
        assertArrayEquals(new int[] {-1, -1, -1, -1, -1}, u.labels());
        assertEquals(0, u.labelledCount());
        assertArrayEquals(firstFeatures(original), firstFeatures(u));
        assertEquals(1, original.label(1), "the original is unchanged");
    }

    @Test
    void shuffledOrderIsASeededPermutation() {
        int[] a = Dataset.shuffledOrder(1000, 7);
        assertArrayEquals(a, Dataset.shuffledOrder(1000, 7), "the same seed gives the same order");
        assertArrayEquals(Dataset.shuffledOrder(5, 7), five().shuffledOrder(7));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertFalse(Arrays.equals(a, Dataset.shuffledOrder(1000, 8)));
        assertArrayEquals(new int[] {4, 6, 2, 1, 7, 9, 8, 5, 3, 0}, Dataset.shuffledOrder(10, 42),
                "java.util.Random's algorithm is specified, so this order is fixed on every JVM");
        assertEquals(0, Dataset.shuffledOrder(0, 1).length);
    }

    @Test
    void nonFiniteFeaturesAreRefusedNamingExampleAndFeature() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] x = new float[12];
            x[7] = bad;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dataset(x, 3, new int[4], 2));
            assertEquals("feature 1 of example 2 is " + bad + "; features must be finite (drop or impute missing values)", e.getMessage());
        }
        float[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f};
        assertEquals(2, new Dataset(extremes, 2, new int[2], 2).size(), "large and tiny finite values are features like any other");
    }

    @Test
    void featureAndClassNamesAreOptionalAndKeptByEveryCopy() {
        Dataset plain = five();
        assertTrue(plain.featureNames().isEmpty());
        assertTrue(plain.classNames().isEmpty());
        Dataset named = plain.withFeatureNames(List.of("x", "y")).withClassNames(List.of("a", "b", "c"));
        for (Dataset d : List.of(named.subset(new int[] {1}), named.slice(0, 2), named.unlabelled(), named.withoutClasses(1),
                named.onlyClasses(0))) {
            assertEquals(Optional.of(List.of("x", "y")), d.featureNames());
            assertEquals(Optional.of(List.of("a", "b", "c")), d.classNames());
        }
        assertTrue(named.withFeatureNames(null).featureNames().isEmpty());
        assertTrue(named.toString().contains("features [x, y], classes [a, b, c]"), named.toString());
    }

    @Test
    void namesMustMatchTheCounts() {
        assertEquals("1 feature names for 2 features: [x]",
                assertThrows(IllegalArgumentException.class, () -> five().withFeatureNames(List.of("x"))).getMessage());
        assertEquals("2 class names for 3 classes: [a, b]",
                assertThrows(IllegalArgumentException.class, () -> five().withClassNames(List.of("a", "b"))).getMessage());
    }
}
