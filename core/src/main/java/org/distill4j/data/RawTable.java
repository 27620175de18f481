package org.distill4j.data;

import java.util.List;
import java.util.Objects;

/**
 * A delimited text table as {@link TableReader} read it, before labels become class indices.
 *
 * @param source       the file, for error messages
 * @param featureNames the header names of the feature columns, in file order (the label column left out)
 * @param rows         the number of data rows
 * @param features     {@code rows x featureNames.size()} values, row-major; NaN marks a missing cell, only when
 *                     the reader allowed missing cells
 * @param labels       one label cell per row, trimmed, {@code ""} for an empty one; {@code null} when the file has
 *                     no label column
 * @param lines        the 1-based file line of each row, for error messages
 */
public record RawTable(String source, List<String> featureNames, int rows, float[] features, List<String> labels, int[] lines) {

    public RawTable {
        Objects.requireNonNull(source, "source");
        featureNames = List.copyOf(featureNames);
        labels = labels == null ? null : List.copyOf(labels);
        if ((long) rows * featureNames.size() != features.length || lines.length != rows
                || (labels != null && labels.size() != rows)) {
            throw new IllegalArgumentException(rows + " rows of " + featureNames.size() + " features do not match "
                    + features.length + " values, " + lines.length + " line numbers and "
                    + (labels == null ? "no" : labels.size()) + " labels");
        }
    }

    /** The number of feature columns. */
    public int cols() {
        return featureNames.size();
    }

    /** {@code "line N"} for row {@code row}, as error messages name it. */
    public String where(int row) {
        return "line " + lines[row];
    }
}
