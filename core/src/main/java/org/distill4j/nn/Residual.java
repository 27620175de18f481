package org.distill4j.nn;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.backend.Tensor;

/**
 * A residual block (He et al. 2016): {@code y = x + body(x)}, where the body is a list of layers whose output has the
 * input's shape. Put the activation after the block as its own layer.
 */
public final class Residual implements Layer {
    public static final String TYPE = "residual";

    private final Shape shape;
    private final List<Layer> body;

    public Residual(Shape shape, List<Layer> body) {
        if (body.isEmpty()) {
            throw new IllegalArgumentException("a residual block needs at least one layer in its body");
        }
        Shape s = shape;
        for (Layer l : body) {
            s = l.outputShape(s);
        }
        if (!s.equals(shape)) {
            throw new IllegalArgumentException("a residual block's body must keep its input's shape " + shape + ", it makes " + s);
        }
        this.shape = shape;
        this.body = List.copyOf(body);
    }

    public List<Layer> body() {
        return body;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (!in.equals(shape)) {
            throw new IllegalArgumentException("residual block takes " + shape + " inputs, found " + in);
        }
        return shape;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        body.forEach(l -> all.addAll(l.parameters()));
        return all;
    }

    @Override
    public List<Buffer> buffers() {
        List<Buffer> all = new ArrayList<>();
        body.forEach(l -> all.addAll(l.buffers()));
        return all;
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        Tensor h = x;
        for (Layer l : body) {
            h = l.forward(h, pass);
        }
        Tensor y = pass.tensor(x.rows(), shape.size());
        pass.backend().copy(x, y);
        pass.backend().axpy(1f, h, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Pass pass, boolean needInputGrad) {
        Tensor g = gradOutput;
        for (int i = body.size() - 1; i >= 0; i--) {
            g = body.get(i).backward(g, pass, true);
        }
        if (!needInputGrad) {
            return null;
        }
        Tensor gradIn = pass.tensor(gradOutput.rows(), shape.size());
        pass.backend().copy(gradOutput, gradIn);
        pass.backend().axpy(1f, g, gradIn);
        return gradIn;
    }

    @Override
    public void applyConstraints() {
        body.forEach(Layer::applyConstraints);
    }

    @Override
    public JsonObject config() {
        JsonObject o = new JsonObject();
        o.add("in", shape.toJson());
        o.add("body", LayerRegistry.describe(body));
        return o;
    }

    @Override
    public void close() {
        body.forEach(Layer::close);
    }
}
