package org.distill4j.train;

import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;

/** What a training step minimises: turns the model's logits for a batch into a loss and dLoss/dLogits. */
public interface Objective {
    /**
     * Writes dLoss/dLogits into {@code grad} (same shape as {@code logits}) and returns the loss.
     * Temporaries go into {@code scope}.
     */
    LossTerms compute(Tensor logits, Batch batch, Tensor grad, Scope scope);

    /** One line for logs and run configs, e.g. {@code cross-entropy}. */
    String describe();
}
