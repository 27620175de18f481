package org.distill4j.backend.opencl;

import org.distill4j.backend.Tensor;
import org.jocl.cl_mem;

/** A tensor stored in an OpenCL buffer of {@code size * 4} bytes, taken from its backend's pool. */
final class OpenClTensor extends Tensor {
    private final OpenClBackend backend;
    private final cl_mem mem;

    OpenClTensor(OpenClBackend backend, int[] shape, cl_mem mem) {
        super(backend, shape);
        this.backend = backend;
        this.mem = mem;
    }

    cl_mem mem() {
        return mem;
    }

    long bytes() {
        return (long) size() * Float.BYTES;
    }

    @Override
    protected void write(float[] src, int offset) {
        backend.write(this, src, offset);
    }

    @Override
    protected void read(float[] dst) {
        backend.read(this, dst);
    }

    @Override
    protected void release() {
        backend.releaseBuffer(mem, bytes());
    }
}
