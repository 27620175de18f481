package org.distill4j.nn;

import org.distill4j.backend.Backend;

/** A description of a network to train, from which a model with fresh weights is built. */
public interface ModelSpec {
    /** What one example is. */
    Shape inputShape();

    /** The number of classes (the last layer's width). */
    int classes();

    /** Everything that decides the network, as one line, e.g. {@code 784-800-800-10} or an architecture string. */
    String describe();

    /**
     * The width (values per example) of each hidden layer's activation, in order: the outputs of the ReLUs at the top
     * level of the model, as {@link Sequential#hiddenWidth} numbers them from 1.
     */
    int[] hiddenWidths();

    /** The model on {@code backend} with weights drawn from {@code seed}. */
    Sequential build(Backend backend, long seed);

    /** An MLP for a spec of widths only ({@code 784-800-800-10}), else a parsed {@link ArchitectureSpec}. */
    static ModelSpec parse(String spec) {
        return spec.trim().matches("[0-9]+(\\s*-\\s*[0-9]+)+") ? MlpSpec.parse(spec) : ArchitectureSpec.parse(spec);
    }
}
