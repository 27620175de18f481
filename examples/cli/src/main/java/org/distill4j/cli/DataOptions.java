package org.distill4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.distill4j.data.DataFiles;
import org.distill4j.data.Dataset;
import org.distill4j.data.FileKind;
import org.distill4j.data.Preprocessing;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The data of a training run: MNIST from a folder, or the user's training, validation and test files (CSV/TSV with a
 * header row, {@code .npy} features or IDX images, each with a labels file where the format has no label column),
 * with a seeded validation split, imputation of missing cells and how much of the data to use.
 */
final class DataOptions {
    /** How missing feature cells are handled. */
    enum Impute { none, mean }

    @Mixin
    TestDataOptions testData;

    @Option(names = "--train", description = "Training set file: CSV/TSV with a header row, .npy features or IDX images.")
    Path train;

    @Option(names = "--train-labels", description = "Labels of --train when it is .npy or IDX: .npy, IDX or one label per line.")
    Path trainLabels;

    @Option(names = "--val", description = "Validation set file (same formats), for early stopping and choosing the kept epoch.")
    Path val;

    @Option(names = "--val-labels", description = "Labels of --val when it is .npy or IDX.")
    Path valLabels;

    @Option(names = "--val-fraction", description = "Hold out this fraction of the training file, chosen by --split-seed, as the"
            + " validation set (row numbers keep referring to the training file).")
    Double valFraction;

    @Option(names = "--split-seed", defaultValue = "1", description = "Seed of the --val-fraction split (default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--impute", defaultValue = "none", description = "Missing feature cells: none (an error naming the cell) or"
            + " mean (filled with the training mean, which the model keeps for prediction) (default: ${DEFAULT-VALUE}).")
    Impute impute;

    @Option(names = "--allow-unlabelled", description = "Accept examples with an empty label (only the soft term learns from them).")
    boolean allowUnlabelled;

    @Option(names = "--train-limit", description = "Use only the first N training examples.")
    Integer trainLimit;

    /** Checks the options before any file is read. */
    void check() {
        testData.check();
        requirePositive(trainLimit, "--train-limit");
        if (val != null && valFraction != null) {
            throw new UsageException("give either --val FILE or --val-fraction F, not both");
        }
        if (valFraction != null && !(valFraction > 0 && valFraction < 1)) {
            throw new UsageException("--val-fraction must be in (0, 1), found " + valFraction);
        }
        if (train == null && (trainLabels != null || val != null || valLabels != null || testData.test != null
                || testData.testLabels != null)) {
            throw new UsageException("--val, --test and the --*-labels files go with --train FILE;"
                    + " without it the MNIST files of --data are used");
        }
        if (valLabels != null && val == null) {
            throw new UsageException("--val-labels needs --val FILE");
        }
    }

    /** Whether the data are the user's files rather than MNIST's folder. */
    boolean ownFiles() {
        return train != null;
    }

    /** Reads every set; {@code transfer} (may be null) is a separate transfer set, its labels optional. */
    DataFiles.Loaded load(Path transfer, Path transferLabels) throws IOException {
        check();
        DataFiles.DataSpec spec = new DataFiles.DataSpec(testData.dir, train, trainLabels, val, valLabels,
                valFraction == null ? 0 : valFraction, splitSeed, testData.test, testData.testLabels, transfer, transferLabels,
                testData.label, testData.delimiter(), impute == Impute.mean, allowUnlabelled);
        DataFiles.Loaded d = DataFiles.load(spec);
        if (trainLimit != null && trainLimit < d.train().size()) {
            int[] rows = java.util.Arrays.copyOf(d.trainRows(), trainLimit);
            d = new DataFiles.Loaded(d.train().slice(0, trainLimit), d.val(), d.test(), d.transfer(), rows, d.valRows(),
                    d.imputeFill(), d.classes());
        }
        if (testData.testLimit != null && d.test() != null) {
            d = new DataFiles.Loaded(d.train(), d.val(), limit(d.test(), testData.testLimit, "--test-limit"), d.transfer(),
                    d.trainRows(), d.valRows(), d.imputeFill(), d.classes());
        }
        return d;
    }

    /** The preprocessing {@code auto} means for these files: none for MNIST and IDX, min-max for .npy images, else standardize. */
    Preprocessing.Kind defaultPreprocessing(Dataset trainSet) throws IOException {
        if (train == null) {
            return Preprocessing.Kind.NONE;
        }
        return switch (FileKind.of(train)) {
            case IDX -> Preprocessing.Kind.NONE;
            case NPY -> trainSet.imageShape().isPresent() ? Preprocessing.Kind.MIN_MAX : Preprocessing.Kind.STANDARDIZE;
            case TEXT -> Preprocessing.Kind.STANDARDIZE;
        };
    }

    static void requirePositive(Integer n, String option) {
        if (n != null && n < 1) {
            throw new UsageException(option + " must be >= 1, found " + n);
        }
    }

    static Dataset limit(Dataset d, Integer n, String option) {
        if (n == null) {
            return d;
        }
        requirePositive(n, option);
        return n >= d.size() ? d : d.slice(0, n);
    }
}
