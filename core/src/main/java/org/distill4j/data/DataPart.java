package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;
import org.distill4j.io.DataFormatException;

/**
 * One features file of {@link DataFiles}, with its label text, as read and before its labels become classes: a
 * table with its label column, or an array or IDX images with a separate labels file. Missing table cells are NaN.
 *
 * @param featureNames the table's feature column names, {@code null} for arrays and images
 * @param labels       one label per row, {@code null} when there are none
 * @param labelSource  the file the labels came from, for messages
 * @param where        names row {@code i} of the labels in messages, such as {@code "line 7"}
 */
record DataPart(String source, float[] features, int rows, int cols, Dataset.ImageShape imageShape,
                List<String> featureNames, List<String> labels, String labelSource, IntFunction<String> where) {

    /**
     * Reads {@code features}, by content: a {@code .npy} array (also by name), IDX images, else a table read with
     * {@code table}. {@code labels} is the labels file for an array or images, named {@code labelsOption} in the
     * usage errors (IllegalArgumentException) for a table given one, or an array without one when {@code labelsRequired}.
     */
    static DataPart read(Path features, Path labels, String labelsOption, TableReader table, boolean labelsRequired)
            throws IOException {
        FileKind kind = features.toString().toLowerCase(Locale.ROOT).endsWith(".npy") ? FileKind.NPY : FileKind.of(features);
        if (kind == FileKind.TEXT) {
            if (labels != null) {
                throw new IllegalArgumentException(labelsOption + " " + labels + " is for .npy and IDX features, but " + features
                        + " is a table, whose labels are its label column");
            }
            RawTable t = table.withLabelRequired(labelsRequired).read(features);
            return new DataPart(t.source(), t.features(), t.rows(), t.cols(), null, t.featureNames(), t.labels(),
                    t.source(), t::where);
        }
        if (labels == null && labelsRequired) {
            throw new IllegalArgumentException(features + " holds features only; give its labels with " + labelsOption
                    + ", or allow unlabelled rows");
        }
        DataPart part = kind == FileKind.NPY ? npy(features) : idx(features);
        if (labels == null) {
            return part;
        }
        LabelFile.RawLabels l = LabelFile.read(labels);
        if (l.size() != part.rows) {
            throw new DataFormatException(l.source(), "has " + l.size() + " labels, but the features file " + part.source
                    + " has " + part.rows + " rows; expected one label per row");
        }
        return new DataPart(part.source, part.features, part.rows, part.cols, part.imageShape, null, l.labels(),
                l.source(), l::where);
    }

    private static DataPart npy(Path file) throws IOException {
        NpyFeatures.Features f = NpyFeatures.read(file);
        return new DataPart(f.source(), f.data(), f.rows(), f.cols(), f.imageShape(), null, null, null, null);
    }

    private static DataPart idx(Path file) throws IOException {
        IdxReader.Images im = IdxReader.readImages(file);
        if (im.count() < 1 || im.rows() < 1 || im.cols() < 1) {
            throw DataFormatException.mismatch(file.toString(), "image count and size", im.count() + " x " + im.rows() + "x"
                    + im.cols(), "at least one image of at least 1x1 pixels");
        }
        return new DataPart(file.toString(), im.pixels(), im.count(), im.rows() * im.cols(),
                new Dataset.ImageShape(1, im.rows(), im.cols()), null, null, null, null);
    }

    /** The mean of each feature over {@code rowIndices}, missing (NaN) cells left out; a feature with none is an error. */
    float[] columnMeans(int[] rowIndices) throws DataFormatException {
        double[] sum = new double[cols];
        int[] count = new int[cols];
        for (int r : rowIndices) {
            for (int c = 0; c < cols; c++) {
                float v = features[r * cols + c];
                if (!Float.isNaN(v)) {
                    sum[c] += v;
                    count[c]++;
                }
            }
        }
        float[] means = new float[cols];
        for (int c = 0; c < cols; c++) {
            if (count[c] == 0) {
                throw new DataFormatException(source, "feature " + featureName(c) + " has no values in the training rows, "
                        + "expected at least one to take the mean of for imputation");
            }
            means[c] = (float) (sum[c] / count[c]);
        }
        return means;
    }

    /**
     * A dataset of these rows with labels encoded by {@code classes} (-1 where there are none), missing cells
     * filled from {@code fill} (which may be {@code null} when there are none), after checking that the features
     * match {@code train}'s (count, image shape, names where both have them); {@code train} is {@code null} for the
     * training file itself. Missing cells are filled in place.
     */
    Dataset toDataset(ClassIndex classes, float[] fill, boolean allowUnlabelled, Dataset train, String trainSource)
            throws DataFormatException {
        if (train != null) {
            requireSameFeatures(train, trainSource);
        }
        if (fill != null) {
            for (int i = 0; i < features.length; i++) {
                if (Float.isNaN(features[i])) {
                    features[i] = fill[i % cols];
                }
            }
        }
        int[] encoded = labels == null ? minusOnes(rows) : classes.encode(labelSource, labels, where, allowUnlabelled);
        Dataset.ImageShape shape = imageShape != null || train == null ? imageShape : train.imageShape().orElse(null);
        return new Dataset(features, cols, encoded, classes.count(), shape)
                .withFeatureNames(featureNames).withClassNames(classes.names().orElse(null));
    }

    private void requireSameFeatures(Dataset train, String trainSource) throws DataFormatException {
        List<String> expected = train.featureNames().orElse(null);
        if (featureNames != null && expected != null && !featureNames.equals(expected)) {
            throw new DataFormatException(source, "feature columns differ from those of the training file " + trainSource
                    + ": " + difference(featureNames, expected) + "; expected the same names in the same order");
        }
        if (cols != train.featureCount()) {
            throw DataFormatException.mismatch(source, "feature count", cols, train.featureCount() + " as in the training file " + trainSource);
        }
        if (imageShape != null && train.imageShape().isPresent() && !imageShape.equals(train.imageShape().get())) {
            throw DataFormatException.mismatch(source, "image shape", describe(imageShape),
                    describe(train.imageShape().get()) + " as in the training file " + trainSource);
        }
    }

    private static String difference(List<String> found, List<String> expected) {
        Set<String> missing = new LinkedHashSet<>(expected);
        found.forEach(missing::remove);
        Set<String> extra = new LinkedHashSet<>(found);
        expected.forEach(extra::remove);
        if (missing.isEmpty() && extra.isEmpty()) {
            int c = 0;
            while (found.get(c).equals(expected.get(c))) {
                c++;
            }
            return "the same columns in another order, feature " + (c + 1) + " is '" + found.get(c) + "', expected '"
                    + expected.get(c) + "'";
        }
        return (missing.isEmpty() ? "" : "lacks " + CsvText.abbreviate(List.copyOf(missing), 10))
                + (missing.isEmpty() || extra.isEmpty() ? "" : " and ")
                + (extra.isEmpty() ? "" : "has " + CsvText.abbreviate(List.copyOf(extra), 10) + " that the training file lacks");
    }

    private String featureName(int c) {
        return (c + 1) + (featureNames == null ? "" : " ('" + featureNames.get(c) + "')");
    }

    private static String describe(Dataset.ImageShape s) {
        return s.channels() + "x" + s.height() + "x" + s.width();
    }

    private static int[] minusOnes(int n) {
        int[] l = new int[n];
        Arrays.fill(l, -1);
        return l;
    }
}
