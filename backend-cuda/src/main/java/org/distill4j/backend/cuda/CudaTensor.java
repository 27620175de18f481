package org.distill4j.backend.cuda;

import org.distill4j.backend.Tensor;

import jcuda.driver.CUdeviceptr;

/** A tensor stored in a block of {@code size * 4} bytes of device memory, taken from its backend's pool. */
final class CudaTensor extends Tensor {
    private final CudaBackend backend;
    private final CUdeviceptr ptr;

    CudaTensor(CudaBackend backend, int[] shape, CUdeviceptr ptr) {
        super(backend, shape);
        this.backend = backend;
        this.ptr = ptr;
    }

    CUdeviceptr ptr() {
        return ptr;
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
        backend.releaseBlock(ptr, bytes());
    }
}
