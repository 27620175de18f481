package org.distill4j.nn;

import com.google.gson.JsonObject;
import java.util.List;
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

    /** The feature count this layer produces for {@code inputSize} input features. */
    int outputSize(int inputSize);

    /** Trainable parameters, in a stable order; empty for parameter-free layers. */
    List<Parameter> parameters();

    /** Computes the output for a batch {@code [N, in]}; saves what backward needs on {@code pass}. */
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
    }
}
