package org.distill4j.backend.device;

import org.distill4j.backend.Tensor;

/** A tensor stored in a block of {@code size * 4} bytes of device memory, taken from its backend's pool. */
final class DeviceTensor<B> extends Tensor {
    private final DeviceBackend<B> backend;
    private final B block;

    DeviceTensor(DeviceBackend<B> backend, int[] shape, B block) {
        super(backend, shape);
        this.backend = backend;
        this.block = block;
    }

    B block() {
        return block;
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
        backend.releaseBlock(block, bytes());
    }
}
