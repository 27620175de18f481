package org.distill4j.backend.cpu;

import org.distill4j.backend.Tensor;

/**
 * A tensor of the CPU backend: one heap {@code float[]} holding the elements row-major, taken
 * from the backend's {@link ArrayPool} and given back to it on close.
 */
public final class CpuTensor extends Tensor {
    private final ArrayPool pool;
    private float[] data;

    CpuTensor(CpuBackend backend, int[] shape, ArrayPool pool) {
        super(backend, shape);
        this.pool = pool;
        this.data = pool.take(size());
    }

    /** The backing array (exactly {@link #size()} floats); valid until the tensor is closed. */
    float[] data() {
        return data;
    }

    @Override
    protected void write(float[] src, int offset) {
        System.arraycopy(src, offset, data, 0, size());
    }

    @Override
    protected void read(float[] dst) {
        System.arraycopy(data, 0, dst, 0, size());
    }

    @Override
    protected void release() {
        float[] d = data;
        data = null;
        pool.give(d);
    }
}
