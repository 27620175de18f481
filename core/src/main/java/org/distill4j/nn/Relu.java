package org.distill4j.nn;

import com.google.gson.JsonObject;
import java.util.List;
import org.distill4j.backend.Tensor;

/** Rectified linear unit, {@code max(x, 0)}. */
public final class Relu implements Layer {
    public static final String TYPE = "relu";

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
        Tensor out = pass.tensor(input.shape());
        pass.backend().relu(input, out);
        pass.save(out);
        return out;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Pass pass, boolean needInputGrad) {
        Tensor out = pass.restore();
        if (!needInputGrad) {
            return null;
        }
        Tensor gradIn = pass.tensor(gradOutput.shape());
        pass.backend().reluBackward(gradOutput, out, gradIn);
        return gradIn;
    }

    @Override
    public JsonObject config() {
        return new JsonObject();
    }
}
