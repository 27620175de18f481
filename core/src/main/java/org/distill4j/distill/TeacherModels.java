package org.distill4j.distill;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.IntUnaryOperator;
import org.distill4j.data.Dataset;

/**
 * Teacher files that are not distill4j models: which {@link TeacherModelReader} opens each, and running one over a
 * transfer set in batches.
 */
public final class TeacherModels {
    /** Suffixes of formats distill4j has a reader module for, and the artifact that holds it. */
    private static final Map<String, String> KNOWN = Map.of(".onnx", "distill4j-teacher-onnx");
    /** Examples per run of a teacher model. */
    public static final int BATCH = 256;

    private TeacherModels() {
    }

    /** Whether {@code file} is a teacher model for a {@link TeacherModelReader}, by its suffix (a reader's or a known one). */
    public static boolean isForeign(Path file) {
        String suffix = suffix(file);
        return KNOWN.containsKey(suffix) || reader(suffix).isPresent();
    }

    /**
     * Opens {@code file} with the reader of its suffix; when the class path has none, an {@link IllegalStateException}
     * names the artifact to add.
     */
    public static TeacherModel open(Path file, Map<String, String> options) throws IOException {
        String suffix = suffix(file);
        TeacherModelReader reader = reader(suffix).orElseThrow(() -> new IllegalStateException("teacher " + file
                + ": no reader of " + suffix + " files on the class path; add " + KNOWN.getOrDefault(suffix, "a TeacherModelReader")));
        return reader.open(file, options);
    }

    /**
     * Runs {@code model} over every example of {@code raw} in batches of {@link #BATCH}, after checking its input
     * against the data; probabilities become logits by {@link ProbabilityLogits}. A row with a NaN or infinite output
     * stops the run at that row, with its index.
     */
    public static ProbabilityLogits.Converted logits(TeacherModel model, Path file, Dataset raw) throws IOException {
        return logits(model, file, raw, 0);
    }

    /** {@link #logits(TeacherModel, Path, Dataset)} of transfer examples {@code firstExample, firstExample + 1, ...}, which a bad row's index counts from. */
    public static ProbabilityLogits.Converted logits(TeacherModel model, Path file, Dataset raw, int firstExample) throws IOException {
        int d = raw.featureCount();
        model.checkInput(d);
        int n = raw.size();
        if (n == 0) {
            throw new IllegalArgumentException("teacher " + file + ": the transfer set is empty");
        }
        int[] order = new int[n];
        java.util.Arrays.setAll(order, i -> i);
        float[] all = null;
        int classes = -1;
        for (int from = 0; from < n; from += BATCH) {
            int rows = Math.min(BATCH, n - from);
            float[] x = new float[rows * d];
            raw.gather(order, from, rows, x, null);
            int first = firstExample + from;
            float[] out = outputs(model, file, x, rows, classes, r -> first + r);
            if (all == null) {
                classes = out.length / rows;
                all = new float[Math.multiplyExact(n, classes)];
            }
            System.arraycopy(out, 0, all, from * classes, out.length);
        }
        if (model.givesProbabilities()) {
            return ProbabilityLogits.convert(file, all, n, classes);
        }
        return new ProbabilityLogits.Converted(all, classes, n + " rows of logits");
    }

    /**
     * The model's outputs for {@code rows} examples of raw features, checked: {@code classes} per row (any count of at
     * least 2 when {@code classes < 0}) and finite, a bad value named by its transfer example, {@code exampleOf(row)}.
     */
    public static float[] outputs(TeacherModel model, Path file, float[] x, int rows, int classes, IntUnaryOperator exampleOf)
            throws IOException {
        float[] out = model.run(x, rows);
        if (classes < 0 && (out.length % rows != 0 || out.length / rows < 2)) {
            throw new IllegalArgumentException("teacher " + file + " gave " + out.length + " values for " + rows
                    + " examples; expected one row of at least 2 classes per example");
        }
        if (classes >= 0 && out.length != rows * classes) {
            throw new IllegalArgumentException("teacher " + file + " gave " + out.length + " values for " + rows
                    + " examples, earlier batches " + classes + " per example");
        }
        int perRow = out.length / rows;
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) {
                throw new IllegalArgumentException("teacher " + file + " gave " + out[i] + " for transfer example "
                        + exampleOf.applyAsInt(i / perRow) + " (class " + i % perRow + "); the model's outputs must be finite");
            }
        }
        return out;
    }

    private static Optional<TeacherModelReader> reader(String suffix) {
        for (TeacherModelReader r : ServiceLoader.load(TeacherModelReader.class)) {
            if (r.suffix().equalsIgnoreCase(suffix)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private static String suffix(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    }
}
