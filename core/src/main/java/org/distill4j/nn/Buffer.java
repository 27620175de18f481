package org.distill4j.nn;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;

/** A tensor a layer keeps and saves with the model but does not train, such as batch norm's running mean. */
public final class Buffer implements AutoCloseable {
    private final String name;
    private final Tensor value;

    public Buffer(Backend backend, String name, float initial, int... shape) {
        this.name = name;
        this.value = backend.tensor(shape);
        backend.fill(value, initial);
    }

    /** The name under which the buffer is saved, e.g. {@code layers.1.runningMean}. */
    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    @Override
    public void close() {
        value.close();
    }
}
