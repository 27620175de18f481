package org.distill4j.cli;

import java.util.Arrays;
import org.distill4j.data.Preprocessing;
import org.distill4j.data.Dataset;
import org.distill4j.nn.ArchitectureSpec;
import org.distill4j.nn.MlpSpec;
import org.distill4j.nn.ModelSpec;
import org.distill4j.nn.Shape;
import picocli.CommandLine.Option;

/** The model to train: its layer widths (in full, or the hidden ones), dropout, max-norm, and its preprocessing. */
final class ModelOptions {
    @Option(names = "--model", description = "The network: layer widths, input to classes, e.g. 784-800-800-10, or an"
            + " architecture string such as 1x28x28-c32k3-bn-relu-p2-c64k3-bn-relu-p2-fc128-10 (grammar in the README);"
            + " its input and last layer must match the data's features (and image shape) and classes.")
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
            ModelSpec parsed = UsageException.ofOptions(() -> ModelSpec.parse(spec));
            if (parsed instanceof MlpSpec mlp) {
                UsageException.ofOptions(() -> mlp.withDropout(inputDropout, hiddenDropout).withMaxNorm(maxNorm));
            } else if (inputDropout != 0f || hiddenDropout != 0f || maxNorm != 0f) {
                throw new UsageException("--input-dropout, --hidden-dropout and --max-norm apply to MLP widths only; in an"
                        + " architecture string write dropout as d<p>, e.g. 1x28x28-c32k3-relu-p2-d0.25-fc128-10");
            }
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

    /**
     * The network for data of {@code features} inputs (images of {@code image}, or null) and {@code classes} classes,
     * checked against them.
     */
    ModelSpec spec(int features, Dataset.ImageShape image, int classes) {
        return UsageException.ofOptions(() -> build(features, image, classes));
    }

    private ModelSpec build(int features, Dataset.ImageShape image, int classes) {
        if (spec != null && ModelSpec.parse(spec) instanceof ArchitectureSpec arch) {
            Shape in = arch.inputShape();
            if (in.size() != features || arch.classes() != classes) {
                throw new UsageException("--model " + arch + " takes " + in + " inputs and has " + arch.classes()
                        + " outputs, but the data have " + describe(features, image) + " and " + classes + " classes");
            }
            if (image != null && !in.isFlat() && (in.channels() != image.channels() || in.height() != image.height()
                    || in.width() != image.width())) {
                throw new UsageException("--model " + arch + " takes " + in + " images, but the data's images are "
                        + describe(features, image));
            }
            return arch;
        }
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

    private static String describe(int features, Dataset.ImageShape image) {
        return image == null ? features + " features"
                : image.channels() + "x" + image.height() + "x" + image.width() + " images (" + features + " features)";
    }
}
