package org.distill4j.distill;

import org.distill4j.nn.Layer;
import org.distill4j.nn.Linear;
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
        Linear out = outputLayer(model);
        float[] bias = out.bias().value().toArray();
        for (int c : classes) {
            if (c < 0 || c >= bias.length) {
                throw new IllegalArgumentException("class " + c + " is outside the model's " + bias.length + " outputs");
            }
            bias[c] += delta;
        }
        out.bias().value().copyFrom(bias);
    }

    private static Linear outputLayer(Sequential model) {
        for (int i = model.layers().size() - 1; i >= 0; i--) {
            Layer l = model.layers().get(i);
            if (l instanceof Linear linear) {
                return linear;
            }
        }
        throw new IllegalArgumentException("model has no linear output layer");
    }
}
