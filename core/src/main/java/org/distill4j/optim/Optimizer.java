package org.distill4j.optim;

import java.util.List;
import java.util.Map;
import org.distill4j.nn.Parameter;

/**
 * Updates parameters from their gradients. Holds per-parameter state (momentum, moment
 * estimates) on the parameters' backend; close it to free that state.
 */
public interface Optimizer extends AutoCloseable {
    /**
     * One update of every parameter from its gradient.
     *
     * @param learningRate this step's rate (from an {@link LrSchedule})
     * @param momentum     this step's momentum or beta1 (from a {@link MomentumSchedule}); optimisers without one ignore it
     */
    void step(List<Parameter> parameters, float learningRate, float momentum);

    /** The optimiser's state tensors by name, e.g. {@code layers.0.weight.velocity}, for checkpoints. */
    Map<String, float[]> state(List<Parameter> parameters);

    /** Restores state saved by {@link #state}; missing entries are an error naming them. */
    void restore(List<Parameter> parameters, Map<String, float[]> state);

    @Override
    void close();
}
