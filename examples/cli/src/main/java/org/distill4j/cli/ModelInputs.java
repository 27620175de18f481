package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.distill4j.data.ClassIndex;
import org.distill4j.data.DataFiles;
import org.distill4j.data.Dataset;
import org.distill4j.io.ModelSchema;

/**
 * Reads raw examples for a saved model, as its training files had them: a CSV/TSV whose feature columns are the
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
        DataFiles.Expected expected = new DataFiles.Expected(index, schema.preprocessing().featureCount(), schema.featureNames(),
                schema.preprocessing().fill());
        return DataFiles.readFor(features, labels, expected, labelColumn, delimiter, labelsRequired);
    }
}
