package org.distill4j.train;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;

/** Runs a model over a whole dataset in batches: logits, predictions and evaluation. */
public final class Inference {
    /** Rows per forward pass when none is given. */
    public static final int DEFAULT_BATCH = 500;

    private Inference() {
    }

    /** The model's logits for every example, row-major {@code [size, classes]}. */
    public static float[] logits(Sequential model, Dataset data, int batchSize) {
        checkCompatible(model, data);
        int n = data.size();
        int f = data.featureCount();
        int c = model.outputSize();
        float[] out = new float[n * c];
        Backend backend = model.backend();
        float[] host = new float[Math.min(batchSize, n) * f];
        for (int start = 0; start < n; start += batchSize) {
            int rows = Math.min(batchSize, n - start);
            for (int r = 0; r < rows; r++) {
                data.features(start + r, host, r * f);
            }
            try (Scope scope = backend.newScope()) {
                Tensor x = scope.tensor(rows, f);
                x.copyFrom(host, 0);
                float[] z = model.forward(x, Pass.inference(scope)).toArray();
                System.arraycopy(z, 0, out, start * c, rows * c);
            }
        }
        return out;
    }

    /** The predicted class (argmax of the logits) of every example. */
    public static int[] predict(Sequential model, Dataset data, int batchSize) {
        return argmax(logits(model, data, batchSize), model.outputSize());
    }

    /** Predictions of {@code model} tallied against {@code data}'s labels. */
    public static Evaluation evaluate(Sequential model, Dataset data) {
        return Evaluation.of(predict(model, data, DEFAULT_BATCH), data.labels(), model.outputSize());
    }

    /** Row-wise argmax of {@code [n, classes]} logits (first maximum on ties). */
    public static int[] argmax(float[] logits, int classes) {
        int n = logits.length / classes;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < classes; j++) {
                if (logits[i * classes + j] > logits[i * classes + best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }

    static void checkCompatible(Sequential model, Dataset data) {
        if (data.featureCount() != model.inputSize()) {
            throw new IllegalArgumentException("model expects " + model.inputSize() + " features per example, dataset has "
                    + data.featureCount());
        }
        if (data.classCount() > model.outputSize()) {
            throw new IllegalArgumentException("dataset has " + data.classCount() + " classes, model outputs only "
                    + model.outputSize());
        }
    }
}
