package org.distill4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.distill4j.backend.Backend;

/**
 * A multi-layer perceptron described by its layer widths, e.g. {@code 784-1200-1200-10}, with
 * ReLU between layers, optional input and hidden dropout and an optional max-norm constraint.
 *
 * @param sizes         input size, hidden widths, class count
 * @param inputDropout  dropout probability on the inputs (0 = none)
 * @param hiddenDropout dropout probability after each hidden ReLU (0 = none)
 * @param maxNorm       max L2 norm of each unit's incoming weights (0 = none)
 */
public record MlpSpec(int[] sizes, float inputDropout, float hiddenDropout, float maxNorm) implements ModelSpec {
    public MlpSpec {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP spec needs at least an input and an output size");
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException("layer sizes must be >= 1, found " + s);
            }
        }
        if (!(inputDropout >= 0f && inputDropout < 1f)) {
            throw new IllegalArgumentException("input dropout must be in [0, 1), found " + inputDropout);
        }
        if (!(hiddenDropout >= 0f && hiddenDropout < 1f)) {
            throw new IllegalArgumentException("hidden dropout must be in [0, 1), found " + hiddenDropout);
        }
        if (!(maxNorm >= 0f) || Float.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("max-norm must be >= 0 and finite (0 = none), found " + maxNorm);
        }
        sizes = sizes.clone();
    }

    /** Parses {@code "784-800-800-10"} into a spec without regularisation. */
    public static MlpSpec parse(String spec) {
        String[] parts = spec.trim().split("-");
        int[] sizes = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                sizes[i] = Integer.parseInt(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model spec must look like 784-800-800-10, found '" + spec + "'");
        }
        return new MlpSpec(sizes, 0f, 0f, 0f);
    }

    public MlpSpec withDropout(float input, float hidden) {
        return new MlpSpec(sizes, input, hidden, maxNorm);
    }

    public MlpSpec withMaxNorm(float norm) {
        return new MlpSpec(sizes, inputDropout, hiddenDropout, norm);
    }

    public int inputSize() {
        return sizes[0];
    }

    @Override
    public int[] hiddenWidths() {
        return java.util.Arrays.copyOfRange(sizes, 1, sizes.length - 1);
    }

    @Override
    public Shape inputShape() {
        return Shape.flat(sizes[0]);
    }

    /** The widths, and the dropout and max-norm when set, e.g. {@code 784-1200-1200-10 dropout 0.2/0.5 max-norm 3.5}. */
    @Override
    public String describe() {
        return widths() + (inputDropout > 0f || hiddenDropout > 0f ? " dropout " + inputDropout + "/" + hiddenDropout : "")
                + (maxNorm > 0f ? " max-norm " + maxNorm : "");
    }

    @Override
    public int classes() {
        return sizes[sizes.length - 1];
    }

    /** The widths joined by dashes. */
    public String widths() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            sb.append(i == 0 ? "" : "-").append(sizes[i]);
        }
        return sb.toString();
    }

    @Override
    public Sequential build(Backend backend, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        if (inputDropout > 0f) {
            layers.add(new Dropout(inputDropout));
        }
        for (int i = 0; i + 1 < sizes.length; i++) {
            boolean last = i + 2 == sizes.length;
            Linear linear = new Linear(backend, "layers." + layers.size(), sizes[i], sizes[i + 1], last ? 0f : maxNorm);
            linear.initialize(last ? Linear.Init.XAVIER : Linear.Init.HE, random);
            layers.add(linear);
            if (!last) {
                layers.add(new Relu());
                if (hiddenDropout > 0f) {
                    layers.add(new Dropout(hiddenDropout));
                }
            }
        }
        return new Sequential(backend, sizes[0], layers);
    }
}
