package org.distill4j.nn;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;

/**
 * Fully connected layer {@code y = x W + b}, with {@code W} stored {@code [in, out]} (column
 * {@code j} holds unit {@code j}'s incoming weights) and an optional max-norm constraint on
 * those columns.
 */
public final class Linear implements Layer {
    public static final String TYPE = "linear";

    /** How initial weights are drawn; biases start at zero. */
    public enum Init {
        /** Normal with standard deviation {@code sqrt(2 / in)}, for layers followed by ReLU. */
        HE,
        /** Uniform in {@code +-sqrt(6 / (in + out))}, for the output layer. */
        XAVIER
    }

    private final int in;
    private final int out;
    private final float maxNorm;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param maxNorm the largest L2 norm of a unit's incoming weights, or 0 for no constraint
     */
    public Linear(Backend backend, String name, int in, int out, float maxNorm) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("linear layer needs in, out >= 1, found " + in + ", " + out);
        }
        if (!(maxNorm >= 0f) || Float.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be >= 0 and finite (0 = none), found " + maxNorm);
        }
        this.in = in;
        this.out = out;
        this.maxNorm = maxNorm;
        this.weight = new Parameter(backend, name + ".weight", in, out);
        this.bias = new Parameter(backend, name + ".bias", out);
        backend.fill(weight.value(), 0f);
        backend.fill(bias.value(), 0f);
    }

    /** Draws the weights from {@code init} with {@code random} and zeroes the bias. */
    public void initialize(Init init, SplittableRandom random) {
        float[] w = new float[in * out];
        if (init == Init.HE) {
            double std = Math.sqrt(2.0 / in);
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (random.nextGaussian() * std);
            }
        } else {
            double limit = Math.sqrt(6.0 / (in + out));
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
            }
        }
        weight.value().copyFrom(w);
        weight.value().backend().fill(bias.value(), 0f);
    }

    public int inputs() {
        return in;
    }

    public int outputs() {
        return out;
    }

    public float maxNorm() {
        return maxNorm;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(Shape input) {
        if (input.size() != in) {
            throw new IllegalArgumentException("linear layer " + weight.name() + " expects " + in + " inputs, found " + input
                    + (input.isFlat() ? "" : " = " + input.size()));
        }
        return Shape.flat(out);
    }

    @Override
    public Optional<Parameter> outputBias() {
        return Optional.of(bias);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public Tensor forward(Tensor input, Pass pass) {
        if (input.cols() != in) {
            throw new IllegalArgumentException("linear layer " + weight.name() + " expects " + in
                    + " features per row, found " + input.cols() + " (input shape " + input.shapeString() + ")");
        }
        Backend b = pass.backend();
        Tensor y = pass.tensor(input.rows(), out);
        b.gemm(false, false, 1f, input, weight.value(), 0f, y);
        b.addRowBias(y, bias.value());
        pass.save(input);
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Pass pass, boolean needInputGrad) {
        Backend b = pass.backend();
        Tensor input = pass.restore();
        b.gemm(true, false, 1f, input, gradOutput, 0f, weight.grad());
        b.sumRows(gradOutput, bias.grad());
        if (!needInputGrad) {
            return null;
        }
        Tensor gradIn = pass.tensor(input.rows(), in);
        b.gemm(false, true, 1f, gradOutput, weight.value(), 0f, gradIn);
        return gradIn;
    }

    @Override
    public void applyConstraints() {
        if (maxNorm > 0f) {
            weight.value().backend().maxNormColumns(weight.value(), maxNorm);
        }
    }

    @Override
    public JsonObject config() {
        JsonObject o = new JsonObject();
        o.addProperty("in", in);
        o.addProperty("out", out);
        if (maxNorm > 0f) {
            o.addProperty("maxNorm", maxNorm);
        }
        return o;
    }
}
