package org.distill4j.nn;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.distill4j.backend.Backend;
import org.distill4j.backend.ConvGeometry;
import org.distill4j.backend.Tensor;

/**
 * A 2-D convolution: {@code out} square filters of side {@code kernel} over every input channel, moved by
 * {@code stride} over the input zero-padded by {@code padding}, plus a bias per filter. The weight is
 * {@code [out, in, kernel, kernel]}, as in PyTorch and ONNX.
 */
public final class Conv2d implements Layer {
    public static final String TYPE = "conv2d";

    private final ConvGeometry geometry;
    private final Shape input;
    private final Parameter weight;
    private final Parameter bias;

    public Conv2d(Backend backend, String name, Shape input, int outChannels, int kernel, int stride, int padding) {
        this.input = input;
        this.geometry = new ConvGeometry(input.channels(), input.height(), input.width(), outChannels, kernel, stride, padding);
        this.weight = new Parameter(backend, name + ".weight", outChannels, input.channels(), kernel, kernel);
        this.bias = new Parameter(backend, name + ".bias", outChannels);
        backend.fill(weight.value(), 0f);
        backend.fill(bias.value(), 0f);
    }

    /** He-normal weights ({@code sqrt(2 / fan-in)}, for a convolution followed by ReLU) and a zero bias. */
    public void initialize(SplittableRandom random) {
        float[] w = new float[weight.value().size()];
        double std = Math.sqrt(2.0 / geometry.patchSize());
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * std);
        }
        weight.value().copyFrom(w);
        weight.value().backend().fill(bias.value(), 0f);
    }

    public ConvGeometry geometry() {
        return geometry;
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
    public Shape outputShape(Shape in) {
        if (!in.equals(input)) {
            throw new IllegalArgumentException("convolution " + weight.name() + " takes " + input + " inputs, found " + in);
        }
        return new Shape(geometry.outChannels(), geometry.outHeight(), geometry.outWidth());
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public Optional<Parameter> outputBias() {
        return Optional.of(bias);
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        Tensor y = pass.tensor(x.rows(), geometry.outputSize());
        pass.backend().images().conv2d(x, weight.value(), bias.value(), geometry, y);
        pass.save(x);
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Pass pass, boolean needInputGrad) {
        Tensor x = pass.restore();
        Tensor gradIn = needInputGrad ? pass.tensor(x.rows(), geometry.inputSize()) : null;
        pass.backend().images().conv2dBackward(gradOutput, x, weight.value(), geometry, gradIn, weight.grad(), bias.grad());
        return gradIn;
    }

    @Override
    public JsonObject config() {
        JsonObject o = new JsonObject();
        o.add("in", input.toJson());
        o.addProperty("out", geometry.outChannels());
        o.addProperty("kernel", geometry.kernel());
        o.addProperty("stride", geometry.stride());
        o.addProperty("padding", geometry.padding());
        return o;
    }
}
