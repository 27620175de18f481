package org.distill4j.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * A backend for testing the SPI's own classes: its tensors hold a float array and record when they
 * are released (and can be told to fail then); it has no kernels.
 */
final class FakeBackend extends Backend {
    private final String name;
    /** Tensors in the order they were released. */
    final List<FakeTensor> released = new ArrayList<>();
    boolean closed;

    FakeBackend(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return "fake backend " + name;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    protected Tensor allocate(int[] shape) {
        return new FakeTensor(this, shape);
    }

    /** A tensor on the fake backend; {@link #failOnRelease} makes its release throw. */
    static final class FakeTensor extends Tensor {
        private final FakeBackend owner;
        private final float[] data;
        RuntimeException failOnRelease;

        FakeTensor(FakeBackend owner, int[] shape) {
            super(owner, shape);
            this.owner = owner;
            this.data = new float[checkedSize(shape)];
        }

        @Override
        protected void write(float[] src, int offset) {
            System.arraycopy(src, offset, data, 0, data.length);
        }

        @Override
        protected void read(float[] dst) {
            System.arraycopy(data, 0, dst, 0, data.length);
        }

        @Override
        protected void release() {
            owner.released.add(this);
            if (failOnRelease != null) {
                throw failOnRelease;
            }
        }
    }

    private static UnsupportedOperationException none() {
        return new UnsupportedOperationException("the fake backend has no kernels");
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                              float beta, Tensor c) {
        throw none();
    }

    @Override
    protected void addRowBiasKernel(Tensor x, Tensor bias) {
        throw none();
    }

    @Override
    protected void sumRowsKernel(Tensor x, Tensor out) {
        throw none();
    }

    @Override
    protected void reluKernel(Tensor x, Tensor out) {
        throw none();
    }

    @Override
    protected void reluBackwardKernel(Tensor gradOut, Tensor x, Tensor gradIn) {
        throw none();
    }

    @Override
    protected void dropoutKernel(Tensor x, Tensor mask, Tensor out, float p, long seed) {
        throw none();
    }

    @Override
    protected void softmaxKernel(Tensor logits, float temperature, Tensor out) {
        throw none();
    }

    @Override
    protected void logSoftmaxKernel(Tensor logits, float temperature, Tensor out) {
        throw none();
    }

    @Override
    protected void crossEntropyKernel(Tensor logits, Tensor labels, float weight, Tensor grad, Tensor loss) {
        throw none();
    }

    @Override
    protected void softTargetLossKernel(Tensor studentLogits, Tensor teacherLogits, float temperature, float weight,
                                        Tensor grad, Tensor loss) {
        throw none();
    }

    @Override
    protected void mseLossKernel(Tensor a, Tensor b, float weight, Tensor grad, Tensor loss) {
        throw none();
    }

    @Override
    protected void sgdUpdateKernel(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum,
                                   float weightDecay, boolean nesterov) {
        throw none();
    }

    @Override
    protected void adamUpdateKernel(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
                                    float eps, float weightDecay, int step) {
        throw none();
    }

    @Override
    protected void maxNormColumnsKernel(Tensor weights, float maxNorm) {
        throw none();
    }

    @Override
    protected void argmaxRowsKernel(Tensor x, int[] out) {
        throw none();
    }

    @Override
    protected void fillKernel(Tensor x, float value) {
        throw none();
    }

    @Override
    protected void copyKernel(Tensor src, Tensor dst) {
        throw none();
    }

    @Override
    protected void axpyKernel(float alpha, Tensor x, Tensor y) {
        throw none();
    }

    @Override
    protected void scaleKernel(Tensor x, float s) {
        throw none();
    }

    @Override
    protected void mulKernel(Tensor a, Tensor b, Tensor out) {
        throw none();
    }

    @Override
    protected double sumSquaresKernel(Tensor x) {
        throw none();
    }
}
