package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.distill4j.data.ClassIndex;
import org.distill4j.data.DataFiles;
import org.distill4j.data.Dataset;
import org.distill4j.data.IdxReader;
import org.distill4j.data.LabelFile;
import org.distill4j.data.NpyFeatures;
import org.distill4j.data.RawTable;
import org.distill4j.data.TableReader;
import org.distill4j.io.DataFormatException;
import org.distill4j.io.ModelSchema;

/**
 * Reads examples for a saved model, raw as its training files had them: a CSV/TSV whose feature columns are the
 * model's (by name, in order; a label column is used when present), {@code .npy} features or IDX images, with labels
 * from a second file. Labels are encoded with the model's classes; missing cells are filled as the model fills them,
 * and refused when it was trained without imputation.
 */
final class ModelInputs {
    private ModelInputs() {
    }

    /**
     * @param labels         a labels file for {@code .npy} and IDX features, or {@code null}
     * @param labelsRequired whether every example must have a label (evaluation) or may lack one (prediction)
     */
    static Dataset read(Path features, Path labels, ModelSchema schema, int classes, String labelColumn, Character delimiter,
                        boolean labelsRequired) throws IOException {
        ClassIndex index = schema.classNames() != null ? ClassIndex.ofNames(schema.classNames()) : ClassIndex.ofCount(classes);
        int d = schema.preprocessing().featureCount();
        String source = features.toString();
        DataFiles.Kind kind = DataFiles.kindOf(features);
        if (kind == DataFiles.Kind.TABLE && labels != null) {
            throw new IllegalArgumentException("a labels file goes with .npy or IDX features; " + features
                    + " is a table, whose labels are its label column");
        }
        float[] values;
        int rows;
        Dataset.ImageShape shape = schema.imageShape();
        List<String> rawLabels = null;
        java.util.function.IntFunction<String> where;
        String labelSource = source;
        if (kind == DataFiles.Kind.TABLE) {
            TableReader reader = TableReader.forFile(features).withLabel(labelColumn == null ? "label" : labelColumn)
                    .withLabelRequired(labelsRequired).withMissingCells(schema.preprocessing().imputes());
            if (delimiter != null) {
                reader = reader.withDelimiter(delimiter);
            }
            RawTable t = reader.read(features);
            if (schema.featureNames() != null && !schema.featureNames().equals(t.featureNames())) {
                throw new DataFormatException(source, "feature columns " + Workflows.abbreviate(t.featureNames())
                        + ", expected the model's " + Workflows.abbreviate(schema.featureNames()) + " in that order");
            }
            values = t.features();
            rows = t.rows();
            rawLabels = t.labels();
            int[] lines = t.lines();
            where = i -> "line " + lines[i];
            fill(values, d, schema);
        } else {
            if (kind == DataFiles.Kind.NPY) {
                NpyFeatures.Features f = NpyFeatures.read(features);
                values = f.data();
                rows = f.rows();
            } else {
                IdxReader.Images im = IdxReader.readImages(features);
                values = im.pixels();
                rows = im.count();
            }
            if (values.length != (long) rows * d) {
                throw DataFormatException.mismatch(source, "features per example", rows == 0 ? 0 : values.length / rows,
                        d + " (the model's inputs)");
            }
            if (labels != null) {
                LabelFile.RawLabels l = LabelFile.read(labels);
                if (l.labels().size() != rows) {
                    throw DataFormatException.mismatch(labels.toString(), "label count", l.labels().size(),
                            rows + " (the examples of " + features + ")");
                }
                rawLabels = l.labels();
                labelSource = l.source();
                where = i -> l.unit() + " " + (l.unit().equals("line") ? i + 1 : i);
            } else {
                if (labelsRequired) {
                    throw new IllegalArgumentException(features + " needs a labels file (--test-labels) to be evaluated");
                }
                where = i -> "row " + i;
            }
        }
        int[] encoded;
        if (rawLabels == null) {
            encoded = new int[rows];
            Arrays.fill(encoded, -1);
        } else {
            encoded = index.encode(labelSource, rawLabels, where, !labelsRequired);
        }
        Dataset data = new Dataset(values, d, encoded, classes, shape);
        return schema.featureNames() != null ? data.withFeatureNames(schema.featureNames()) : data;
    }

    /** Fills missing cells (NaN) with the model's training means; the reader only lets them through when it imputes. */
    private static void fill(float[] values, int d, ModelSchema schema) {
        float[] means = schema.preprocessing().fill();
        if (means == null) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            if (Float.isNaN(values[i])) {
                values[i] = means[i % d];
            }
        }
    }
}
