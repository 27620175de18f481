package org.distill4j.nn;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Optional;
import org.distill4j.backend.Tensor;

/**
 * One step of a {@link Sequential} model. Layers hold parameters but no per-pass state: what a
 * backward pass needs is saved on the {@link Pass}, so inference through one model is thread-safe.
 *
 * <p>To add a layer type, implement this and register a factory for its {@link #type()} in a
 * {@link LayerRegistry}; the training loop needs no change.
 */
public interface Layer extends AutoCloseable {
    /** The name saved in model files, e.g. {@code linear}. */
    String type();

    /** The shape of this layer's output for {@code input}; throws naming both when the layer cannot take it. */
    Shape outputShape(Shape input);

    /** Trainable parameters, in a stable order; empty for parameter-free layers. */
    List<Parameter> parameters();

    /** Saved but untrained state (batch norm's running statistics), in a stable order; most layers have none. */
    default List<Buffer> buffers() {
        return List.of();
    }

    /** The per-output bias that {@code BiasAdjustment} shifts, when this layer has one. */
    default Optional<Parameter> outputBias() {
        return Optional.empty();
    }

    /** Computes the output for a batch (one example per row); saves what backward needs on {@code pass}. */
    Tensor forward(Tensor input, Pass pass);

    /**
     * Given dLoss/dOutput, writes dLoss/dParameter into each parameter's gradient and returns
     * dLoss/dInput (or {@code null} when {@code needInputGrad} is false, as for the first layer).
     */
    Tensor backward(Tensor gradOutput, Pass pass, boolean needInputGrad);

    /** The layer's hyper-parameters, saved with the model (not its weights). */
    JsonObject config();

    /** Applies weight constraints after an optimiser step; most layers have none. */
    default void applyConstraints() {
    }

    @Override
    default void close() {
        for (Parameter p : parameters()) {
            p.close();
        }
        for (Buffer b : buffers()) {
            b.close();
        }
    }
}
