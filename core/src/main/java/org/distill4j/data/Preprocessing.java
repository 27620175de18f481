package org.distill4j.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How raw features become a model's inputs, fitted on the training set and saved with the model, so an application
 * passes the same raw features the training files had: first a missing value (NaN) is replaced by its feature's fill
 * value when the model was trained with imputation, then each feature {@code j} becomes
 * {@code (x - offset[j]) * scale[j]}.
 *
 * <ul>
 *   <li>{@link Kind#STANDARDIZE}: offset the training mean, scale one over the (population) standard deviation;
 *       a constant feature gets scale 1, so it becomes 0 rather than a division by zero.</li>
 *   <li>{@link Kind#MIN_MAX}: for images, one offset and scale for every feature, mapping the training set's
 *       smallest value to 0 and its largest to 1 (scale 1 when they are equal).</li>
 *   <li>{@link Kind#NONE}: features are used as they are (MNIST's pixels, already in [0, 1]).</li>
 * </ul>
 * Immutable.
 */
public final class Preprocessing {
    /** The kind of scaling. */
    public enum Kind {
        NONE, STANDARDIZE, MIN_MAX;

        /** The name used on the command line and in model files: {@code none}, {@code standardize}, {@code min-max}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The kind whose {@link #id()} is {@code id}. */
        public static Kind parse(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("preprocessing '" + id + "', expected one of none, standardize, min-max");
        }
    }

    private final Kind kind;
    private final float[] offset;
    private final float[] scale;
    private final float[] fill;

    private Preprocessing(Kind kind, float[] offset, float[] scale, float[] fill) {
        this.kind = kind;
        this.offset = offset;
        this.scale = scale;
        this.fill = fill;
    }

    /** No scaling and no imputation for {@code featureCount} features. */
    public static Preprocessing none(int featureCount) {
        float[] zeros = new float[featureCount];
        float[] ones = new float[featureCount];
        Arrays.fill(ones, 1f);
        return of(Kind.NONE, zeros, ones, null);
    }

    /**
     * Rebuilds preprocessing from its parts (as a model file stores them), checking that they agree in length,
     * are finite and that no scale is 0.
     *
     * @param fill the value that replaces a missing feature, or {@code null} when missing values are refused
     */
    public static Preprocessing of(Kind kind, float[] offset, float[] scale, float[] fill) {
        Objects.requireNonNull(kind, "kind");
        if (offset.length < 1 || offset.length != scale.length || (fill != null && fill.length != offset.length)) {
            throw new IllegalArgumentException("preprocessing needs offset, scale (and fill) of one equal length >= 1, found "
                    + offset.length + ", " + scale.length + (fill == null ? "" : ", " + fill.length));
        }
        for (int j = 0; j < offset.length; j++) {
            if (!Float.isFinite(offset[j]) || !Float.isFinite(scale[j]) || scale[j] == 0f
                    || (fill != null && !Float.isFinite(fill[j]))) {
                throw new IllegalArgumentException("preprocessing of feature " + j + ": offset " + offset[j] + ", scale "
                        + scale[j] + (fill == null ? "" : ", fill " + fill[j]) + "; expected finite values and a scale other than 0");
            }
        }
        return new Preprocessing(kind, offset.clone(), scale.clone(), fill == null ? null : fill.clone());
    }

    /**
     * Fits {@code kind} on the training set's features.
     *
     * @param fill the imputation values to keep (the training means the data were filled with), or {@code null}
     */
    public static Preprocessing fit(Kind kind, Dataset train, float[] fill) {
        int d = train.featureCount();
        int n = train.size();
        float[] row = new float[d];
        float[] offset = new float[d];
        float[] scale = new float[d];
        Arrays.fill(scale, 1f);
        switch (kind) {
            case NONE -> { }
            case STANDARDIZE -> {
                double[] sum = new double[d];
                for (int i = 0; i < n; i++) {
                    train.features(i, row);
                    for (int j = 0; j < d; j++) {
                        sum[j] += row[j];
                    }
                }
                double[] mean = new double[d];
                for (int j = 0; j < d; j++) {
                    mean[j] = sum[j] / n;
                }
                double[] squares = new double[d];
                for (int i = 0; i < n; i++) {
                    train.features(i, row);
                    for (int j = 0; j < d; j++) {
                        double c = row[j] - mean[j];
                        squares[j] += c * c;
                    }
                }
                for (int j = 0; j < d; j++) {
                    offset[j] = (float) mean[j];
                    double sd = Math.sqrt(squares[j] / n);
                    float s = (float) (1 / sd);
                    scale[j] = sd > 0 && Float.isFinite(s) && s != 0f ? s : 1f;
                }
            }
            case MIN_MAX -> {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    train.features(i, row);
                    for (float v : row) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
                float s = (float) (1.0 / ((double) hi - lo));
                Arrays.fill(offset, lo);
                Arrays.fill(scale, hi > lo && Float.isFinite(s) && s != 0f ? s : 1f);
            }
        }
        return of(kind, offset, scale, fill);
    }

    public Kind kind() {
        return kind;
    }

    public int featureCount() {
        return offset.length;
    }

    /** A copy of the per-feature offsets. */
    public float[] offset() {
        return offset.clone();
    }

    /** A copy of the per-feature scales. */
    public float[] scale() {
        return scale.clone();
    }

    /** Whether a missing value (NaN) is filled rather than refused. */
    public boolean imputes() {
        return fill != null;
    }

    /** A copy of the fill values of missing features, or {@code null} when missing values are refused. */
    public float[] fill() {
        return fill == null ? null : fill.clone();
    }

    /**
     * The model inputs of {@code rows} examples of raw features, row-major, in a new array.
     *
     * @throws IllegalArgumentException naming the example and feature of a NaN that cannot be filled, an infinity,
     *                                  or a value the scaling makes infinite; or when the length is not {@code rows} rows
     */
    public float[] transform(float[] raw, int rows) {
        int d = offset.length;
        if (rows < 0 || raw.length != (long) rows * d) {
            throw new IllegalArgumentException("expected " + rows + " x " + d + " features, found " + raw.length);
        }
        float[] out = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            int j = i % d;
            float x = raw[i];
            if (Float.isNaN(x) && fill != null) {
                x = fill[j];
            }
            float y = (x - offset[j]) * scale[j];
            if (!Float.isFinite(y)) {
                throw new IllegalArgumentException("feature " + j + " of example " + i / d + " is " + raw[i]
                        + (Float.isFinite(x) ? ", which preprocessing makes " + y : "")
                        + "; features must be finite" + (fill == null && Float.isNaN(x)
                        ? " (this model was trained without imputation of missing values)" : ""));
            }
            out[i] = y;
        }
        return out;
    }

    /**
     * The raw features that {@link #transform} maps to {@code inputs} ({@code rows} examples, row-major), in a new
     * array: {@code input / scale + offset}. A filled missing value comes back as its fill value.
     */
    public float[] restore(float[] inputs, int rows) {
        int d = offset.length;
        if (rows < 0 || inputs.length != (long) rows * d) {
            throw new IllegalArgumentException("expected " + rows + " x " + d + " inputs, found " + inputs.length);
        }
        float[] raw = new float[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            int j = i % d;
            raw[i] = inputs[i] / scale[j] + offset[j];
        }
        return raw;
    }

    /** The same examples, labels and names with transformed features. */
    public Dataset apply(Dataset data) {
        if (data.featureCount() != offset.length) {
            throw new IllegalArgumentException("preprocessing is for " + offset.length + " features, the data have "
                    + data.featureCount());
        }
        float[] raw = new float[Math.multiplyExact(data.size(), offset.length)];
        int[] all = new int[data.size()];
        Arrays.setAll(all, i -> i);
        data.gather(all, 0, all.length, raw, null);
        return data.withFeatures(transform(raw, data.size()));
    }

    /** Equal when kind, offsets, scales and fill values are equal: the same raw features give the same inputs. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && kind == p.kind && Arrays.equals(offset, p.offset) && Arrays.equals(scale, p.scale)
                && Arrays.equals(fill, p.fill);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, Arrays.hashCode(offset), Arrays.hashCode(scale), Arrays.hashCode(fill));
    }

    @Override
    public String toString() {
        return kind.id() + (fill != null ? " with mean imputation" : "") + " of " + offset.length + " features";
    }
}
