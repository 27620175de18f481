package org.distill4j.train;

import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.nn.Sequential;

/** What a training step minimises: turns the model's logits for a batch into a loss and dLoss/dLogits. */
public interface Objective {
    /**
     * Writes dLoss/dLogits into {@code grad} (same shape as {@code logits}) and returns the loss.
     * Temporaries go into {@code scope}.
     */
    LossTerms compute(Tensor logits, Batch batch, Tensor grad, Scope scope);

    /** One line for logs and run configs, e.g. {@code cross-entropy}. */
    String describe();

    /**
     * Throws an {@link IllegalArgumentException} saying what to change when this objective cannot train
     * {@code model} on {@code data}; the trainer calls it before the first step. Accepts anything by default.
     */
    default void checkCompatible(Sequential model, Dataset data) {
    }
}
