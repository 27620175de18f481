package org.distill4j.cli;

import java.util.Arrays;
import org.distill4j.data.Preprocessing;
import org.distill4j.nn.MlpSpec;
import picocli.CommandLine.Option;

/** The model to train: its layer widths (in full, or the hidden ones), dropout, max-norm, and its preprocessing. */
final class ModelOptions {
    @Option(names = "--model", description = "Layer widths, input to classes, e.g. 784-800-800-10; the first and last must"
            + " match the data's feature and class counts.")
    String spec;

    @Option(names = "--hidden", split = ",", description = "Hidden layer widths, e.g. 64 or 64,32; the input and class"
            + " counts come from the data (default: 800,800 unless --model is given).")
    int[] hidden;

    @Option(names = "--input-dropout", description = "Dropout on the inputs (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float inputDropout;

    @Option(names = "--hidden-dropout", description = "Dropout after each hidden layer (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float hiddenDropout;

    @Option(names = "--max-norm", description = "Max L2 norm of each unit's incoming weights, 0 = none (default: ${DEFAULT-VALUE}).", defaultValue = "0")
    float maxNorm;

    @Option(names = "--preprocess", defaultValue = "auto", description = "How raw features become inputs, fitted on the training"
            + " set and saved in the model: auto, none, standardize or min-max. auto: none for MNIST and IDX, min-max for .npy"
            + " images, standardize for tables and .npy rows (default: ${DEFAULT-VALUE}).")
    String preprocess;

    /** Checks what can be checked before the data are read. */
    void check() {
        if (spec != null && hidden != null) {
            throw new UsageException("give either --model WIDTHS or --hidden WIDTHS, not both");
        }
        if (spec != null) {
            UsageException.ofOptions(() -> MlpSpec.parse(spec).withDropout(inputDropout, hiddenDropout).withMaxNorm(maxNorm));
        }
        if (hidden != null) {
            for (int h : hidden) {
                if (h < 1) {
                    throw new UsageException("--hidden widths must be >= 1, found " + Arrays.toString(hidden));
                }
            }
        }
        preprocessing();
    }

    /** The chosen preprocessing, or {@code null} for auto. */
    Preprocessing.Kind preprocessing() {
        return preprocess.equals("auto") ? null : UsageException.ofOptions(() -> Preprocessing.Kind.parse(preprocess));
    }

    /** The network for data of {@code features} inputs and {@code classes} classes, checked against them. */
    MlpSpec mlp(int features, int classes) {
        return UsageException.ofOptions(() -> build(features, classes));
    }

    private MlpSpec build(int features, int classes) {
        MlpSpec s;
        if (spec != null) {
            s = MlpSpec.parse(spec);
            if (s.inputSize() != features || s.classes() != classes) {
                throw new UsageException("--model " + s.widths() + " takes " + s.inputSize() + " inputs and has "
                        + s.classes() + " outputs, but the data have " + features + " features and " + classes
                        + " classes; use --model " + features + "-...-" + classes + " or --hidden");
            }
        } else {
            int[] h = hidden != null ? hidden : new int[] {800, 800};
            int[] sizes = new int[h.length + 2];
            sizes[0] = features;
            System.arraycopy(h, 0, sizes, 1, h.length);
            sizes[sizes.length - 1] = classes;
            s = new MlpSpec(sizes, 0f, 0f, 0f);
        }
        return s.withDropout(inputDropout, hiddenDropout).withMaxNorm(maxNorm);
    }
}
