package org.distill4j.nn;

import com.google.gson.JsonObject;
import java.util.List;
import org.distill4j.backend.PoolGeometry;
import org.distill4j.backend.Tensor;

/**
 * Max or average pooling over square windows, or global average pooling (one window over the whole image, giving
 * {@code channels x 1 x 1}).
 */
public final class Pool2d implements Layer {
    /** The three kinds, each saved under its own layer type. */
    public enum Kind {
        MAX("maxpool2d"), AVERAGE("avgpool2d"), GLOBAL_AVERAGE("globalavgpool");

        private final String type;

        Kind(String type) {
            this.type = type;
        }

        public String type() {
            return type;
        }
    }

    private final Kind kind;
    private final Shape input;
    private final PoolGeometry geometry;

    /** A pooling of {@code kind} over {@code input}; {@code kernel} and {@code stride} are ignored for global pooling. */
    public Pool2d(Kind kind, Shape input, int kernel, int stride) {
        this.kind = kind;
        this.input = input;
        this.geometry = kind == Kind.GLOBAL_AVERAGE ? PoolGeometry.global(input.channels(), input.height(), input.width())
                : PoolGeometry.square(input.channels(), input.height(), input.width(), kernel, stride);
    }

    public Kind kind() {
        return kind;
    }

    public PoolGeometry geometry() {
        return geometry;
    }

    @Override
    public String type() {
        return kind.type();
    }

    @Override
    public Shape outputShape(Shape in) {
        if (!in.equals(input)) {
            throw new IllegalArgumentException(kind.type() + " takes " + input + " inputs, found " + in);
        }
        return new Shape(geometry.channels(), geometry.outHeight(), geometry.outWidth());
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Tensor forward(Tensor x, Pass pass) {
        Tensor y = pass.tensor(x.rows(), geometry.outputSize());
        if (kind == Kind.MAX) {
            pass.backend().images().maxPool2d(x, geometry, y);
            pass.save(x);
        } else {
            pass.backend().images().avgPool2d(x, geometry, y);
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Pass pass, boolean needInputGrad) {
        Tensor x = kind == Kind.MAX ? pass.restore() : null;
        if (!needInputGrad) {
            return null;
        }
        Tensor gradIn = pass.tensor(gradOutput.rows(), geometry.inputSize());
        if (kind == Kind.MAX) {
            pass.backend().images().maxPool2dBackward(gradOutput, x, geometry, gradIn);
        } else {
            pass.backend().images().avgPool2dBackward(gradOutput, geometry, gradIn);
        }
        return gradIn;
    }

    @Override
    public JsonObject config() {
        JsonObject o = new JsonObject();
        o.add("in", input.toJson());
        if (kind != Kind.GLOBAL_AVERAGE) {
            o.addProperty("kernel", geometry.kernelHeight());
            o.addProperty("stride", geometry.stride());
        }
        return o;
    }
}
