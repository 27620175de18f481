package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.distill4j.data.Dataset;
import org.distill4j.data.Mnist;
import org.distill4j.io.ModelSchema;
import picocli.CommandLine.Option;

/**
 * The test set: MNIST's from {@code --data DIR}, or the user's {@code --test FILE} (CSV/TSV with a header, {@code .npy}
 * or IDX, with {@code --test-labels} for the last two), and how to read a table.
 */
final class TestDataOptions {
    @Option(names = "--data", defaultValue = "data/mnist",
            description = "Folder with the MNIST IDX files, raw or .gz, used when no --train/--test file is given"
                    + " (default: ${DEFAULT-VALUE}; './distill4j fetch mnist' puts them there).")
    Path dir;

    @Option(names = "--test", description = "Test set file: CSV/TSV with a header row, .npy features or IDX images.")
    Path test;

    @Option(names = "--test-labels", description = "Labels of --test when it is .npy or IDX: .npy, IDX or one label per line.")
    Path testLabels;

    @Option(names = "--test-limit", description = "Use only the first N test examples.")
    Integer testLimit;

    @Option(names = "--label", description = "The label column of CSV/TSV files: a header name, or an index (0-based, negative"
            + " from the end). Default: the column named 'label'.")
    String label;

    @Option(names = "--delimiter", description = "Field separator of CSV/TSV files: one character, or 'tab'"
            + " (default: tab for .tsv and .tab files, else a comma).")
    String delimiter;

    /** Checks the options before any file is read. */
    void check() {
        DataOptions.requirePositive(testLimit, "--test-limit");
        delimiter();
        if (testLabels != null && test == null) {
            throw new UsageException("--test-labels needs --test FILE");
        }
    }

    Character delimiter() {
        if (delimiter == null) {
            return null;
        }
        if (delimiter.equals("tab") || delimiter.equals("\\t")) {
            return '\t';
        }
        if (delimiter.length() != 1) {
            throw new UsageException("--delimiter must be one character or 'tab', found '" + delimiter + "'");
        }
        return delimiter.charAt(0);
    }

    /**
     * The raw test set for a saved model: its features checked against the model's, labels encoded with its
     * classes, missing cells filled as the model fills them (refused when it does not).
     */
    Dataset loadFor(ModelSchema schema, int classes) throws IOException {
        check();
        Dataset d = test == null ? Mnist.load(dir).test()
                : ModelInputs.read(test, testLabels, schema, classes, label, delimiter(), true);
        return DataOptions.limit(d, testLimit, "--test-limit");
    }
}
