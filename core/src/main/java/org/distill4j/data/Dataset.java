package org.distill4j.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntPredicate;

/**
 * An in-memory set of examples: a row-major {@code size x featureCount} float matrix and one integer label per
 * example, a class index in {@code [0, classCount)} or {@code -1} for an unlabelled example.
 *
 * <p>The arrays passed to the constructor are taken over, not copied, because datasets can be large; callers must
 * not change them afterwards. Features must be finite: a NaN or infinity is refused when the dataset is made, naming
 * the example and feature, rather than turning a training run's loss into NaN later. Every method that returns a
 * dataset returns a new one with its own arrays (except the two {@code with...Names} methods, whose copies share
 * them); labels keep their class indices (subsets are not renumbered) and the class count stays the same.
 *
 * <p>A dataset may carry names for its features (such as a CSV header) and for its classes (string labels, in class
 * index order); they are optional, kept by every method that returns a dataset, and given with
 * {@link #withFeatureNames} and {@link #withClassNames}.
 */
public final class Dataset {

    /** The shape of one example when it is an image: {@code channels x height x width} features, in that order. */
    public record ImageShape(int channels, int height, int width) {
        public ImageShape {
            if (channels < 1 || height < 1 || width < 1) {
                throw new IllegalArgumentException("image dimensions must be >= 1, found " + channels + "x" + height + "x" + width);
            }
        }

        /** {@code channels * height * width}. */
        public int size() {
            return Math.multiplyExact(Math.multiplyExact(channels, height), width);
        }
    }

    private final float[] features;
    private final int featureCount;
    private final int[] labels;
    private final int classCount;
    private final ImageShape imageShape;
    private final List<String> featureNames;
    private final List<String> classNames;

    /**
     * @param features   {@code labels.length * featureCount} values, example after example
     * @param labels     class indices in {@code [0, classCount)}, or -1 for unlabelled examples
     * @param imageShape the image layout of each example, or {@code null} when the examples are not images
     */
    public Dataset(float[] features, int featureCount, int[] labels, int classCount, ImageShape imageShape) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (featureCount < 1) {
            throw new IllegalArgumentException("featureCount must be >= 1, found " + featureCount);
        }
        if (classCount < 1) {
            throw new IllegalArgumentException("classCount must be >= 1, found " + classCount);
        }
        if ((long) labels.length * featureCount != features.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * featureCount
                    + " feature values (" + featureCount + " each), found " + features.length);
        }
        if (imageShape != null && imageShape.size() != featureCount) {
            throw new IllegalArgumentException("image shape " + imageShape + " has " + imageShape.size()
                    + " values, expected featureCount " + featureCount);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < -1 || labels[i] >= classCount) {
                throw new IllegalArgumentException("label " + labels[i] + " of example " + i + " is outside 0.." + (classCount - 1)
                        + " (or -1 for unlabelled)");
            }
        }
        requireFinite(features, featureCount);
        this.features = features;
        this.featureCount = featureCount;
        this.labels = labels;
        this.classCount = classCount;
        this.imageShape = imageShape;
        this.featureNames = null;
        this.classNames = null;
    }

    /** A dataset with the checked arrays and shape of {@code data} and these names (each {@code null} or of the right size). */
    private Dataset(Dataset data, float[] features, int[] labels, List<String> featureNames, List<String> classNames) {
        this.features = features;
        this.featureCount = data.featureCount;
        this.labels = labels;
        this.classCount = data.classCount;
        this.imageShape = data.imageShape;
        this.featureNames = featureNames;
        this.classNames = classNames;
    }

    /** A dataset of the same shape and names as this one with other, already checked, arrays. */
    private Dataset with(float[] features, int[] labels) {
        return new Dataset(this, features, labels, featureNames, classNames);
    }

    /**
     * A copy named {@code names}, one per feature in order, or without feature names for {@code null}. The copy
     * shares this dataset's arrays, which neither ever changes.
     */
    public Dataset withFeatureNames(List<String> names) {
        return new Dataset(this, features, labels, checkedNames(names, featureCount, "feature"), classNames);
    }

    /**
     * A copy whose classes are named {@code names}, one per class index in order, or without class names for
     * {@code null}. The copy shares this dataset's arrays, which neither ever changes.
     */
    public Dataset withClassNames(List<String> names) {
        return new Dataset(this, features, labels, featureNames, checkedNames(names, classCount, "class"));
    }

    private static List<String> checkedNames(List<String> names, int expected, String kind) {
        if (names == null) {
            return null;
        }
        List<String> copy = List.copyOf(names);
        if (copy.size() != expected) {
            throw new IllegalArgumentException(copy.size() + " " + kind + " names for " + expected + " " + kind
                    + (kind.equals("class") ? "es" : "s") + ": " + CsvText.abbreviate(copy, 5));
        }
        return copy;
    }

    /** The feature names, one per feature, when known. */
    public Optional<List<String>> featureNames() {
        return Optional.ofNullable(featureNames);
    }

    /** The class names, one per class index, when known. */
    public Optional<List<String>> classNames() {
        return Optional.ofNullable(classNames);
    }

    /**
     * Throws an {@link IllegalArgumentException} naming the first NaN or infinity in {@code values}, a row-major
     * matrix of examples with {@code featureCount} features each.
     */
    public static void requireFinite(float[] values, int featureCount) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("feature " + i % featureCount + " of example " + i / featureCount + " is "
                        + values[i] + "; features must be finite (drop or impute missing values)");
            }
        }
    }

    /** A dataset whose examples are not images. */
    public Dataset(float[] features, int featureCount, int[] labels, int classCount) {
        this(features, featureCount, labels, classCount, null);
    }

    /** The number of examples. */
    public int size() {
        return labels.length;
    }

    public int featureCount() {
        return featureCount;
    }

    public int classCount() {
        return classCount;
    }

    public Optional<ImageShape> imageShape() {
        return Optional.ofNullable(imageShape);
    }

    /** The label of example {@code i}, or -1 if it is unlabelled. */
    public int label(int i) {
        return labels[Objects.checkIndex(i, labels.length)];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** The number of labelled examples of each class. */
    public int[] classCounts() {
        int[] counts = new int[classCount];
        for (int label : labels) {
            if (label >= 0) {
                counts[label]++;
            }
        }
        return counts;
    }

    /** The number of examples with a label. */
    public int labelledCount() {
        int n = 0;
        for (int label : labels) {
            if (label >= 0) {
                n++;
            }
        }
        return n;
    }

    /** Copies the features of example {@code i} into {@code dst} from {@code offset} on. */
    public void features(int i, float[] dst, int offset) {
        Objects.checkIndex(i, labels.length);
        Objects.checkFromIndexSize(offset, featureCount, dst.length);
        System.arraycopy(features, i * featureCount, dst, offset, featureCount);
    }

    /** Copies the features of example {@code i} into the start of {@code dst}. */
    public void features(int i, float[] dst) {
        features(i, dst, 0);
    }

    /**
     * Copies a batch: the examples {@code order[from] .. order[from + count - 1]}, their features one after another
     * into {@code featureDst} and their labels as floats (-1 for unlabelled) into {@code labelDst}, as the
     * backend's loss ops take them. Either destination may be {@code null} to skip it.
     */
    public void gather(int[] order, int from, int count, float[] featureDst, float[] labelDst) {
        Objects.checkFromIndexSize(from, count, order.length);
        if (featureDst != null) {
            Objects.checkFromIndexSize(0, Math.multiplyExact(count, featureCount), featureDst.length);
        }
        if (labelDst != null) {
            Objects.checkFromIndexSize(0, count, labelDst.length);
        }
        for (int k = 0; k < count; k++) {
            int i = Objects.checkIndex(order[from + k], labels.length);
            if (featureDst != null) {
                System.arraycopy(features, i * featureCount, featureDst, k * featureCount, featureCount);
            }
            if (labelDst != null) {
                labelDst[k] = labels[i];
            }
        }
    }

    /** The examples at {@code indices}, in that order; an index may appear more than once. */
    public Dataset subset(int[] indices) {
        float[] f = new float[Math.multiplyExact(indices.length, featureCount)];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], labels.length);
            System.arraycopy(features, i * featureCount, f, k * featureCount, featureCount);
            l[k] = labels[i];
        }
        return with(f, l);
    }

    /** The examples {@code from} (inclusive) to {@code to} (exclusive). */
    public Dataset slice(int from, int to) {
        Objects.checkFromToIndex(from, to, labels.length);
        return with(Arrays.copyOfRange(features, from * featureCount, to * featureCount), Arrays.copyOfRange(labels, from, to));
    }

    /** The same examples, labels and shape with other features ({@code size x featureCount}, taken over, not copied). */
    public Dataset withFeatures(float[] newFeatures) {
        return with(newFeatures, labels);
    }

    /** The indices, in order, of the examples whose label is not one of {@code classes}; unlabelled ones are kept. */
    public int[] indicesWithoutClasses(int... classes) {
        boolean[] drop = classSet(classes);
        return indicesWhere(label -> label < 0 || !drop[label]);
    }

    /** The indices, in order, of the labelled examples whose label is one of {@code classes}. */
    public int[] indicesOnlyClasses(int... classes) {
        boolean[] keep = classSet(classes);
        return indicesWhere(label -> label >= 0 && keep[label]);
    }

    /** The examples whose label is not one of {@code classes}, for example a transfer set without the digit 3. */
    public Dataset withoutClasses(int... classes) {
        return subset(indicesWithoutClasses(classes));
    }

    /** The labelled examples whose label is one of {@code classes}. */
    public Dataset onlyClasses(int... classes) {
        return subset(indicesOnlyClasses(classes));
    }

    /** A copy with every label set to -1 (unlabelled). */
    public Dataset unlabelled() {
        int[] l = new int[labels.length];
        Arrays.fill(l, -1);
        return with(features.clone(), l);
    }

    /** A permutation of {@code 0 .. size-1} determined by {@code seed} alone. */
    public int[] shuffledOrder(long seed) {
        return shuffledOrder(labels.length, seed);
    }

    /**
     * A permutation of {@code 0 .. n-1} by Fisher-Yates with {@link Random}, whose algorithm the JDK specifies,
     * so the same seed gives the same order on every JVM.
     */
    public static int[] shuffledOrder(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private int[] indicesWhere(IntPredicate onLabel) {
        int[] result = new int[labels.length];
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (onLabel.test(labels[i])) {
                result[n++] = i;
            }
        }
        return Arrays.copyOf(result, n);
    }

    private boolean[] classSet(int... classes) {
        boolean[] set = new boolean[classCount];
        for (int c : classes) {
            if (c < 0 || c >= classCount) {
                throw new IllegalArgumentException("class " + c + " is outside 0.." + (classCount - 1));
            }
            set[c] = true;
        }
        return set;
    }

    @Override
    public String toString() {
        return "Dataset[" + size() + " examples x " + featureCount + " features, " + classCount + " classes, "
                + labelledCount() + " labelled" + (imageShape == null ? "" : ", images " + imageShape.channels() + "x"
                + imageShape.height() + "x" + imageShape.width())
                + (featureNames == null ? "" : ", features " + CsvText.abbreviate(featureNames, 5))
                + (classNames == null ? "" : ", classes " + CsvText.abbreviate(classNames, 5)) + "]";
    }

}
