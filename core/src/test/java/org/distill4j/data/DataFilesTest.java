package org.distill4j.data;

import static org.distill4j.data.DataTestFiles.assertContains;
import static org.distill4j.data.DataTestFiles.rejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.distill4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFilesTest {
    @TempDir
    Path dir;

    /** The settings of a {@link DataFiles.DataSpec}, all off unless set. */
    private static final class Spec {
        Path mnistDir, train, trainLabels, val, valLabels, test, testLabels, transfer, transferLabels;
        double valFraction;
        long splitSeed;
        boolean imputeMean, allowUnlabelled;

        DataFiles.DataSpec build() {
            return new DataFiles.DataSpec(mnistDir, train, trainLabels, val, valLabels, valFraction, splitSeed, test, testLabels,
                    transfer, transferLabels, null, null, imputeMean, allowUnlabelled);
        }

        DataFiles.Loaded load() throws IOException {
            return DataFiles.load(build());
        }
    }

    private Spec train(String csv) throws IOException {
        Spec s = new Spec();
        s.train = DataTestFiles.text(dir, "train.csv", csv);
        return s;
    }

    private Path file(String name, String text) throws IOException {
        return DataTestFiles.text(dir, name, text);
    }

    private static float[] features(Dataset d) {
        float[] all = new float[d.size() * d.featureCount()];
        for (int i = 0; i < d.size(); i++) {
            d.features(i, all, i * d.featureCount());
        }
        return all;
    }

    private static final String IRIS = "sepal,petal,label\n1,2,setosa\n3,4,virginica\n5,6,versicolor\n7,8,setosa\n";

    // ---- tables ----

    @Test
    void stringLabelsBecomeClassNamesAndTheHeaderFeatureNames() throws IOException {
        Spec s = train(IRIS);
        s.test = file("test.csv", "sepal,petal,label\n0.5,1,virginica\n");
        DataFiles.Loaded l = s.load();
        assertEquals(Optional.of(List.of("setosa", "versicolor", "virginica")), l.classes().names());
        assertArrayEquals(new int[] {0, 2, 1, 0}, l.train().labels());
        assertEquals(Optional.of(List.of("sepal", "petal")), l.train().featureNames());
        assertEquals(Optional.of(List.of("setosa", "versicolor", "virginica")), l.train().classNames());
        assertArrayEquals(new int[] {2}, l.test().labels());
        assertEquals(Optional.of(List.of("sepal", "petal")), l.test().featureNames());
        assertArrayEquals(new int[] {0, 1, 2, 3}, l.trainRows());
        assertNull(l.val());
        assertNull(l.valRows());
        assertNull(l.transfer());
        assertNull(l.imputeFill());
    }

    @Test
    void integerLabelsAreClassIndicesWithoutNames() throws IOException {
        DataFiles.Loaded l = train("a,label\n1,0\n2,3\n").load();
        assertEquals(4, l.train().classCount());
        assertTrue(l.train().classNames().isEmpty());
        assertArrayEquals(new int[] {0, 3}, l.train().labels());
    }

    @Test
    void aClassInTheTestSetThatTheTrainingSetLacks() throws IOException {
        Spec s = train(IRIS);
        s.test = file("test.csv", "sepal,petal,label\n0,1,setosa\n0,1,daisy\n");
        assertEquals(s.test + ": line 3: label 'daisy' is not a class of the training set, expected one of "
                + "[setosa, versicolor, virginica]", rejected(s.test, s::load));
    }

    @Test
    void featureNamesOfOtherSetsMustEqualTheTrainingFilesInOrder() throws IOException {
        Spec s = train(IRIS);
        s.test = file("test.csv", "sepal,petals,label\n0,1,setosa\n");
        assertContains(rejected(s.test, s::load), "feature columns differ from those of the training file " + s.train,
                "lacks [petal] and has [petals] that the training file lacks");
        s.test = file("test.csv", "petal,sepal,label\n0,1,setosa\n");
        assertContains(rejected(s.test, s::load), "the same columns in another order, feature 1 is 'petal', expected 'sepal'");
        s.test = file("test.csv", "sepal,label\n0,setosa\n");
        assertContains(rejected(s.test, s::load), "lacks [petal]");
    }

    @Test
    void anArrayMayStandInForATableWithTheSameFeatureCount() throws IOException {
        Spec s = train(IRIS);
        s.test = dir.resolve("test.npy");
        s.testLabels = file("test-labels.txt", "virginica\n");
        Npy.write(s.test, 1, 2, new float[] {9, 9});
        assertArrayEquals(new int[] {2}, s.load().test().labels());
        Npy.write(s.test, 1, 3, new float[] {9, 9, 9});
        assertContains(rejected(s.test, s::load), "feature count 3, expected 2 as in the training file " + s.train);
    }

    @Test
    void emptyLabelsNeedAllowUnlabelled() throws IOException {
        Spec s = train(IRIS);
        s.test = file("test.csv", "sepal,petal,label\n0,1,\n");
        assertContains(rejected(s.test, s::load), "line 2: empty label");
        s.allowUnlabelled = true;
        assertArrayEquals(new int[] {-1}, s.load().test().labels());
    }

    @Test
    void aTrainingFileWithOneClass() throws IOException {
        Spec s = train("a,label\n1,cat\n2,cat\n");
        assertContains(rejected(s.train, s::load), "has labels of only 1 class ([cat]), expected at least 2 classes");
    }

    // ---- missing cells ----

    @Test
    void imputationFillsMissingCellsWithTheTrainingMeans() throws IOException {
        Spec s = train("a,b,label\n1,NA,0\n3,10,1\n,20,0\n");
        s.test = file("test.csv", "a,b,label\n?,,1\n");
        s.imputeMean = true;
        DataFiles.Loaded l = s.load();
        assertArrayEquals(new float[] {2, 15}, l.imputeFill(), "means over the non-missing training cells");
        assertArrayEquals(new float[] {1, 15, 3, 10, 2, 20}, features(l.train()));
        assertArrayEquals(new float[] {2, 15}, features(l.test()), "the test set is filled with the training means");
    }

    @Test
    void withoutImputationAMissingCellIsAnError() throws IOException {
        Spec s = train("a,b,label\n1,NA,0\n3,10,1\n");
        assertContains(rejected(s.train, s::load), "line 2, column 2 ('b'): missing value 'NA'", "--impute mean");
    }

    @Test
    void aColumnWithoutValuesCannotBeImputed() throws IOException {
        Spec s = train("a,b,label\n1,NA,0\n3,,1\n");
        s.imputeMean = true;
        assertContains(rejected(s.train, s::load), "feature 2 ('b') has no values in the training rows");
    }

    // ---- validation split ----

    @Test
    void theValidationSplitIsReproducibleBySeedDisjointAndCovering() throws IOException {
        StringBuilder csv = new StringBuilder("x,label\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i).append(',').append(i % 2).append('\n');
        }
        Spec s = train(csv.toString());
        s.valFraction = 0.25;
        s.splitSeed = 7;
        DataFiles.Loaded a = s.load();
        DataFiles.Loaded b = s.load();
        assertArrayEquals(a.valRows(), b.valRows(), "the same seed gives the same split");
        assertEquals(5, a.valRows().length);
        assertEquals(15, a.trainRows().length);
        int[] both = IntStream.concat(Arrays.stream(a.trainRows()), Arrays.stream(a.valRows())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 20).toArray(), both, "disjoint and covering");
        assertArrayEquals(Arrays.stream(a.valRows()).sorted().toArray(), a.valRows(), "ascending");
        float[] trainX = features(a.train());
        for (int k = 0; k < trainX.length; k++) {
            assertEquals(a.trainRows()[k], trainX[k], "train keeps file order");
        }
        assertEquals(a.valRows()[0], features(a.val())[0]);
        s.splitSeed = 8;
        assertFalse(Arrays.equals(a.valRows(), s.load().valRows()), "another seed, another split");
    }

    @Test
    void aSplitHoldsOutAtLeastOneRowAndLeavesOne() throws IOException {
        Spec s = train("x,label\n1,0\n2,1\n");
        s.valFraction = 0.01;
        assertEquals(1, s.load().valRows().length);
        s.valFraction = 0.99;
        assertEquals(1, s.load().trainRows().length);
    }

    @Test
    void aValidationFileAndAFractionAreExclusive() throws IOException {
        Spec s = train(IRIS);
        s.val = file("val.csv", IRIS);
        s.valFraction = 0.2;
        assertThrows(IllegalArgumentException.class, s::build);
        s.valFraction = 0;
        assertEquals(4, s.load().val().size());
        assertNull(s.load().valRows());
    }

    // ---- arrays, images and labels files ----

    @Test
    void npyFeaturesWithTextLabels() throws IOException {
        Spec s = new Spec();
        s.train = dir.resolve("x.npy");
        Npy.write(s.train, 3, 2, new float[] {1, 2, 3, 4, 5, 6});
        s.trainLabels = file("y.txt", "b\na\nb\n");
        DataFiles.Loaded l = s.load();
        assertArrayEquals(new int[] {1, 0, 1}, l.train().labels());
        assertEquals(Optional.of(List.of("a", "b")), l.train().classNames());
        assertTrue(l.train().featureNames().isEmpty());
    }

    @Test
    void labelAndFeatureFilesOfDifferentLengths() throws IOException {
        Spec s = new Spec();
        s.train = dir.resolve("x.npy");
        Npy.write(s.train, 3, 2, new float[6]);
        s.trainLabels = file("y.txt", "0\n1\n");
        assertEquals(s.trainLabels + ": has 2 labels, but the features file " + s.train + " has 3 rows; expected one label per row",
                rejected(s.trainLabels, s::load));
    }

    @Test
    void idxImagesWithIdxLabelsRawOrGzip() throws IOException {
        Spec s = new Spec();
        s.train = DataTestFiles.idx(dir, "images", new int[] {3, 2, 2}, new byte[12], true);
        s.trainLabels = DataTestFiles.idx(dir, "labels", new int[] {3}, new byte[] {1, 0, 2}, false);
        DataFiles.Loaded l = s.load();
        assertEquals(Optional.of(new Dataset.ImageShape(1, 2, 2)), l.train().imageShape());
        assertEquals(3, l.classes().count());
        assertArrayEquals(new int[] {1, 0, 2}, l.train().labels());
    }

    @Test
    void usageErrorsAboutLabelsFiles() throws IOException {
        Spec s = train(IRIS);
        s.trainLabels = file("y.txt", "a\n");
        assertContains(assertThrows(IllegalArgumentException.class, s::load).getMessage(), "is a table, whose labels are its label column");
        Spec npy = new Spec();
        npy.train = dir.resolve("x.npy");
        Npy.write(npy.train, 1, 1, new float[1]);
        assertContains(assertThrows(IllegalArgumentException.class, npy::load).getMessage(), "holds features only; give its labels");
        Spec orphan = train(IRIS);
        orphan.testLabels = file("t.txt", "a\n");
        assertThrows(IllegalArgumentException.class, orphan::build);
    }

    // ---- transfer sets ----

    @Test
    void aTransferSetMayBeUnlabelledOrLabelled() throws IOException {
        Spec s = train(IRIS);
        s.transfer = file("transfer.csv", "sepal,petal\n1,1\n2,2\n");
        DataFiles.Loaded l = s.load();
        assertArrayEquals(new int[] {-1, -1}, l.transfer().labels());
        assertEquals(Optional.of(List.of("setosa", "versicolor", "virginica")), l.transfer().classNames());
        s.transfer = file("transfer.csv", "sepal,petal,label\n1,1,virginica\n2,2,\n");
        assertArrayEquals(new int[] {2, -1}, s.load().transfer().labels());
        s.transfer = dir.resolve("transfer.npy");
        Npy.write(s.transfer, 2, 2, new float[4]);
        assertArrayEquals(new int[] {-1, -1}, s.load().transfer().labels());
    }

    // ---- MNIST ----

    @Test
    void mnistDirectoryWithAValidationFraction() throws IOException {
        Spec s = new Spec();
        s.mnistDir = dir;
        DataTestFiles.idx(dir, Mnist.TRAIN_IMAGES, new int[] {4, 1, 2}, new byte[8], false);
        DataTestFiles.idx(dir, Mnist.TRAIN_LABELS, new int[] {4}, new byte[] {0, 1, 2, 9}, false);
        DataTestFiles.idx(dir, Mnist.TEST_IMAGES, new int[] {1, 1, 2}, new byte[2], false);
        DataTestFiles.idx(dir, Mnist.TEST_LABELS, new int[] {1}, new byte[] {5}, false);
        s.valFraction = 0.5;
        DataFiles.Loaded l = s.load();
        assertEquals(2, l.train().size());
        assertEquals(2, l.val().size());
        assertEquals(10, l.classes().count());
        assertArrayEquals(new int[] {5}, l.test().labels());
    }
}
