package org.distill4j.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * Owns the temporaries of one unit of work, such as a training step or a batch of inference,
 * and closes them all when it closes. Not thread-safe: one scope belongs to one thread.
 *
 * <pre>{@code
 * try (Scope step = backend.newScope()) {
 *     Tensor hidden = step.tensor(batch, 1200);
 *     ...
 * } // every tensor made by the scope is freed here
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    private final Backend backend;
    private final List<Tensor> owned = new ArrayList<>();
    private boolean closed;

    Scope(Backend backend) {
        this.backend = backend;
    }

    public Backend backend() {
        return backend;
    }

    /** A new tensor of this shape, its contents undefined, freed when the scope closes. */
    public Tensor tensor(int... shape) {
        if (closed) {
            throw new IllegalStateException("scope is closed");
        }
        Tensor t = backend.tensor(shape);
        owned.add(t);
        return t;
    }

    /** A new tensor holding {@code values}, freed when the scope closes. */
    public Tensor tensor(float[] values, int... shape) {
        Tensor t = tensor(shape);
        t.copyFrom(values);
        return t;
    }

    /** Hands a tensor made elsewhere to this scope, which will close it. */
    public <T extends Tensor> T adopt(T tensor) {
        owned.add(tensor);
        return tensor;
    }

    /** The number of tensors this scope has made or adopted. */
    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        owned.clear();
        if (first != null) {
            throw first;
        }
    }
}
