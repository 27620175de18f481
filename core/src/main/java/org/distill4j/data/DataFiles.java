package org.distill4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.distill4j.io.DataFormatException;

/**
 * Loads the data of a run from the user's files into {@link Dataset}s: training data, and optionally validation,
 * test and transfer sets, each a CSV/TSV table ({@link TableReader}), a {@code .npy} array ({@link NpyFeatures})
 * or IDX images ({@link IdxReader}), the last two with a separate labels file ({@link LabelFile}); or the MNIST
 * files of a directory ({@link Mnist}).
 *
 * <p>The classes are fitted on the training labels ({@link ClassIndex#fit}) and every other set's labels are
 * encoded with them, so a class the training set lacks is an error naming the file and line. The other sets must
 * have the training set's features: the same count, image shape and, where both are tables, the same column
 * names in the same order. Datasets carry the feature names of tables and the class names of text labels.
 */
public final class DataFiles {
    private DataFiles() {
    }

    /**
     * What to load. Either {@code train} (with {@code trainLabels} for arrays and images) or, when {@code train} is
     * {@code null}, {@code mnistDir}; every other set is optional ({@code null}).
     *
     * @param valFraction     the share of the training file to hold out for validation, in (0, 1); 0 for none; not
     *                        together with {@code val}
     * @param splitSeed       the seed of the validation split
     * @param transferLabels  optional even for arrays and images; a transfer set may be unlabelled
     * @param labelColumn     the label column of tables, a name or index ({@link TableReader#withLabel}); {@code null}
     *                        for {@code label}
     * @param delimiter       the delimiter of tables; {@code null} to choose by file name ({@link TableReader#forFile})
     * @param imputeMean      whether missing table cells are filled with the training means, rather than refused
     * @param allowUnlabelled whether training, validation and test rows may be unlabelled (empty labels, or an
     *                        array or table without labels for validation and test)
     */
    public record DataSpec(Path mnistDir, Path train, Path trainLabels, Path val, Path valLabels, double valFraction,
                           long splitSeed, Path test, Path testLabels, Path transfer, Path transferLabels,
                           String labelColumn, Character delimiter, boolean imputeMean, boolean allowUnlabelled) {
        public DataSpec {
            if (train == null && mnistDir == null) {
                throw new IllegalArgumentException("no training data: give a training file or an MNIST directory");
            }
            if (!(valFraction >= 0 && valFraction < 1)) {
                throw new IllegalArgumentException("validation fraction " + valFraction + ", expected 0 (none) or in (0, 1)");
            }
            if (val != null && valFraction > 0) {
                throw new IllegalArgumentException("give a validation file or a validation fraction, not both");
            }
            requireFeaturesFor(trainLabels, train, "training");
            requireFeaturesFor(valLabels, val, "validation");
            requireFeaturesFor(testLabels, test, "test");
            requireFeaturesFor(transferLabels, transfer, "transfer");
        }

        private static void requireFeaturesFor(Path labels, Path features, String set) {
            if (labels != null && features == null) {
                throw new IllegalArgumentException("a " + set + " labels file (" + labels + ") without the " + set + " features");
            }
        }
    }

    /**
     * The loaded sets.
     *
     * @param val        {@code null} when there is no validation set
     * @param test       {@code null} when no test set was given (in MNIST mode, the MNIST test set unless one was)
     * @param transfer   {@code null} when no transfer set was given
     * @param trainRows  the rows of the training file that make up {@code train}, ascending
     * @param valRows    the rows of the training file that make up {@code val} when it was split from it, else {@code null}
     * @param imputeFill the training means per feature that filled missing cells when imputing, else {@code null}
     * @param classes    the classes, fitted on the training labels
     */
    public record Loaded(Dataset train, Dataset val, Dataset test, Dataset transfer, int[] trainRows, int[] valRows,
                         float[] imputeFill, ClassIndex classes) {
    }

    /** Reads and checks every file of {@code spec}. */
    public static Loaded load(DataSpec spec) throws IOException {
        return spec.train() == null ? loadMnist(spec) : loadFiles(spec);
    }

    private static Loaded loadFiles(DataSpec spec) throws IOException {
        DataPart file = DataPart.read(spec.train(), spec.trainLabels(), "the training labels file", table(spec, spec.train()), true);
        ClassIndex classes;
        try {
            classes = ClassIndex.fit(file.labels());
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file.labelSource(), e.getMessage(), e);
        }
        int[][] split = split(file.rows(), spec, file.source());
        float[] fill = spec.imputeMean() ? file.columnMeans(split[0]) : null;
        Dataset all = file.toDataset(classes, fill, spec.allowUnlabelled(), null, null);
        Dataset train = split[1] == null ? all : all.subset(split[0]);
        Dataset val = split[1] == null ? other(spec, spec.val(), spec.valLabels(), "validation", all, fill, classes)
                : all.subset(split[1]);
        return new Loaded(train, val, other(spec, spec.test(), spec.testLabels(), "test", all, fill, classes),
                other(spec, spec.transfer(), spec.transferLabels(), "transfer", all, fill, classes),
                split[0], split[1], fill, classes);
    }

    private static Loaded loadMnist(DataSpec spec) throws IOException {
        Mnist.Split mnist = Mnist.load(spec.mnistDir());
        ClassIndex classes = ClassIndex.ofCount(Mnist.CLASS_COUNT);
        Dataset all = mnist.train();
        int[][] split = split(all.size(), spec, spec.mnistDir().toString());
        Dataset train = split[1] == null ? all : all.subset(split[0]);
        float[] fill = spec.imputeMean() ? means(train) : null;
        Dataset val = split[1] == null ? other(spec, spec.val(), spec.valLabels(), "validation", all, fill, classes)
                : all.subset(split[1]);
        Dataset test = spec.test() == null ? mnist.test() : other(spec, spec.test(), spec.testLabels(), "test", all, fill, classes);
        return new Loaded(train, val, test, other(spec, spec.transfer(), spec.transferLabels(), "transfer", all, fill, classes),
                split[0], split[1], fill, classes);
    }

    /**
     * The rows of the training file to train on and to validate on ({@code null} without a split), each ascending:
     * a seeded permutation's first {@code round(n * valFraction)} rows, at least one and leaving at least one, validate.
     */
    private static int[][] split(int n, DataSpec spec, String source) throws DataFormatException {
        if (spec.valFraction() == 0) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return new int[][] {all, null};
        }
        if (n < 2) {
            throw new DataFormatException(source, "has " + n + " row, expected at least 2 to split off a validation set");
        }
        int held = (int) Math.max(1, Math.min(n - 1, Math.round(n * spec.valFraction())));
        int[] order = Dataset.shuffledOrder(n, spec.splitSeed());
        int[] val = Arrays.copyOfRange(order, 0, held);
        int[] train = Arrays.copyOfRange(order, held, n);
        Arrays.sort(val);
        Arrays.sort(train);
        return new int[][] {train, val};
    }

    /** The optional set {@code features} (with {@code labels}), checked against and encoded like the training set. */
    private static Dataset other(DataSpec spec, Path features, Path labels, String set, Dataset train, float[] fill,
                                 ClassIndex classes) throws IOException {
        if (features == null) {
            return null;
        }
        boolean unlabelled = spec.allowUnlabelled() || set.equals("transfer");
        DataPart part = DataPart.read(features, labels, "the " + set + " labels file", table(spec, features), !unlabelled);
        String trainSource = spec.train() == null ? "MNIST training set in " + spec.mnistDir() : spec.train().toString();
        return part.toDataset(classes, fill, unlabelled, train, trainSource);
    }

    /**
     * What a trained model expects of raw examples, for {@link #readFor}: its classes, its features (names when it
     * was trained on a table) and the values that fill missing cells ({@code null} when it refuses them).
     */
    public record Expected(ClassIndex classes, int featureCount, List<String> featureNames, float[] fill) {
    }

    /**
     * Reads one set of examples for a trained model, in any of the formats {@link #load} reads: the features must be
     * the model's (count, and names in order where both have them), labels are encoded with its classes (required
     * unless {@code labelsRequired} is false, when a table's label column is used if present), and missing cells
     * are filled with its fill values or refused.
     */
    public static Dataset readFor(Path features, Path labels, Expected expected, String labelColumn, Character delimiter,
                                  boolean labelsRequired) throws IOException {
        TableReader reader = TableReader.forFile(features).withMissingCells(expected.fill() != null);
        if (delimiter != null) {
            reader = reader.withDelimiter(delimiter);
        }
        if (labelColumn != null) {
            reader = reader.withLabel(labelColumn);
        }
        DataPart part = DataPart.read(features, labels, "the labels file", reader, labelsRequired);
        if (expected.featureNames() != null && part.featureNames() != null && !part.featureNames().equals(expected.featureNames())) {
            throw new DataFormatException(part.source(), "feature columns " + abbreviate(part.featureNames())
                    + ", expected the model's " + abbreviate(expected.featureNames()) + " in that order");
        }
        if (part.cols() != expected.featureCount()) {
            throw DataFormatException.mismatch(part.source(), "feature count", part.cols(), expected.featureCount() + " (the model's inputs)");
        }
        return part.toDataset(expected.classes(), expected.fill(), !labelsRequired, null, null);
    }

    /** {@code names} for a message: all of them up to 8, else the first 8 and the count. */
    public static String abbreviate(List<String> names) {
        return names.size() <= 8 ? names.toString() : names.subList(0, 8) + " ... (" + names.size() + " names)";
    }

    private static TableReader table(DataSpec spec, Path file) {
        TableReader reader = TableReader.forFile(file).withMissingCells(spec.imputeMean());
        if (spec.delimiter() != null) {
            reader = reader.withDelimiter(spec.delimiter());
        }
        return spec.labelColumn() == null ? reader : reader.withLabel(spec.labelColumn());
    }

    private static float[] means(Dataset d) {
        double[] sum = new double[d.featureCount()];
        float[] row = new float[d.featureCount()];
        for (int i = 0; i < d.size(); i++) {
            d.features(i, row);
            for (int c = 0; c < row.length; c++) {
                sum[c] += row[c];
            }
        }
        float[] means = new float[sum.length];
        for (int c = 0; c < sum.length; c++) {
            means[c] = (float) (sum[c] / Math.max(1, d.size()));
        }
        return means;
    }
}
