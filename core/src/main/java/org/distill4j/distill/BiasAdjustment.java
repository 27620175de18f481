package org.distill4j.distill;

import java.util.Optional;
import org.distill4j.nn.Parameter;
import org.distill4j.nn.Sequential;

/**
 * Shifts the output-layer bias of chosen classes after training: the paper's remedy when a
 * transfer set left classes out (it adds 3.5 to the bias of the omitted class 3, or lowers the
 * biases of the only classes present).
 */
public final class BiasAdjustment {
    private BiasAdjustment() {
    }

    /** Adds {@code delta} to the output bias of each class in {@code classes}. */
    public static void add(Sequential model, float delta, int... classes) {
        Parameter out = outputBias(model);
        float[] bias = out.value().toArray();
        for (int c : classes) {
            if (c < 0 || c >= bias.length) {
                throw new IllegalArgumentException("class " + c + " is outside the model's " + bias.length + " outputs");
            }
            bias[c] += delta;
        }
        out.value().copyFrom(bias);
    }

    /** The bias of the last layer that has one; it must have one element per class. */
    private static Parameter outputBias(Sequential model) {
        for (int i = model.layers().size() - 1; i >= 0; i--) {
            Optional<Parameter> bias = model.layers().get(i).outputBias();
            if (bias.isPresent()) {
                if (bias.get().value().size() != model.outputSize()) {
                    throw new IllegalArgumentException("the last biased layer (" + model.layers().get(i).type() + ") has "
                            + bias.get().value().size() + " biases, not one per each of the model's " + model.outputSize()
                            + " classes");
                }
                return bias.get();
            }
        }
        throw new IllegalArgumentException("model has no output layer with a bias");
    }
}
