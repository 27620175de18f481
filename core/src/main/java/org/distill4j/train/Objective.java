package org.distill4j.train;

import java.util.List;
import org.distill4j.backend.Tensor;
import org.distill4j.data.Dataset;
import org.distill4j.nn.Parameter;
import org.distill4j.nn.Pass;
import org.distill4j.nn.Sequential;

/** What a training step minimises: turns the model's logits for a batch into a loss and dLoss/dLogits. */
public interface Objective {
    /**
     * Writes dLoss/dLogits into {@code grad} (same shape as {@code logits}) and returns the loss.
     * {@code pass} is the model's forward pass over the batch: temporaries go into its scope, and an
     * objective that asked for hidden activations ({@link #prepare}) finds them there and may add
     * gradient at them.
     */
    LossTerms compute(Tensor logits, Batch batch, Tensor grad, Pass pass);

    /** Called on each step's pass before the model's forward; asks for the hidden activations {@link #compute} needs. */
    default void prepare(Pass pass) {
    }

    /**
     * Parameters of the objective itself (for example a hint regressor), optimised and checkpointed with the
     * model's but not part of the saved model. None by default.
     */
    default List<Parameter> parameters() {
        return List.of();
    }

    /** One line for logs and run configs, e.g. {@code cross-entropy}. */
    String describe();

    /**
     * Throws an {@link IllegalArgumentException} saying what to change when this objective cannot train
     * {@code model} on {@code data}; the trainer calls it before the first step. Accepts anything by default.
     */
    default void checkCompatible(Sequential model, Dataset data) {
    }
}
