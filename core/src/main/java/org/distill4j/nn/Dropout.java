package org.distill4j.nn;

import com.google.gson.JsonObject;
import java.util.List;
import org.distill4j.backend.Tensor;

/**
 * Inverted dropout: while training, zeroes each input with probability {@code p} and scales the
 * rest by {@code 1/(1-p)}; at inference it passes inputs through. Placed first, it is input dropout.
 */
public final class Dropout implements Layer {
    public static final String TYPE = "dropout";
    private final float p;

    public Dropout(float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), found " + p);
        }
        this.p = p;
    }

    public float probability() {
        return p;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Tensor forward(Tensor input, Pass pass) {
        if (!pass.training() || p == 0f) {
            return input;
        }
        Tensor mask = pass.tensor(input.shape());
        Tensor out = pass.tensor(input.shape());
        pass.backend().dropout(input, mask, out, p, pass.layerSeed());
        pass.save(mask);
        return out;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Pass pass, boolean needInputGrad) {
        if (p == 0f) {
            return gradOutput;
        }
        Tensor mask = pass.restore();
        if (!needInputGrad) {
            return null;
        }
        Tensor gradIn = pass.tensor(gradOutput.shape());
        pass.backend().mul(gradOutput, mask, gradIn);
        return gradIn;
    }

    @Override
    public JsonObject config() {
        JsonObject o = new JsonObject();
        o.addProperty("p", p);
        return o;
    }
}
