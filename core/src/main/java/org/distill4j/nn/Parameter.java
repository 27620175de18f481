package org.distill4j.nn;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;

/** A trainable tensor and the gradient the backward pass writes for it. Owned by its layer. */
public final class Parameter implements AutoCloseable {
    private final String name;
    private final Tensor value;
    private final Tensor grad;

    public Parameter(Backend backend, String name, int... shape) {
        this.name = name;
        this.value = backend.tensor(shape);
        this.grad = backend.tensor(shape);
        backend.fill(grad, 0f);
    }

    /** The name under which the parameter is saved, e.g. {@code layers.0.weight}. */
    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    public Tensor grad() {
        return grad;
    }

    @Override
    public void close() {
        value.close();
        grad.close();
    }
}
