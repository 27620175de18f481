package org.distill4j.fuzz;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;

/**
 * A backend that only stores tensors (heap arrays) and can fill and copy them: enough to load a model file in
 * core's tests, where no compute backend is on the class path. Every other op refuses.
 */
public final class StorageBackend extends Backend {
    /** A heap tensor. */
    private static final class HeapTensor extends Tensor {
        private float[] data;

        HeapTensor(Backend backend, int[] shape) {
            super(backend, shape);
            data = new float[size()];
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
            data = null;
        }
    }

    @Override
    public String name() {
        return "storage";
    }

    @Override
    public String describe() {
        return "heap storage only (test double)";
    }

    @Override
    protected Tensor allocate(int[] shape) {
        return new HeapTensor(this, shape);
    }

    @Override
    protected void fillKernel(Tensor x, float value) {
        java.util.Arrays.fill(((HeapTensor) x).data, value);
    }

    @Override
    protected void copyKernel(Tensor src, Tensor dst) {
        System.arraycopy(((HeapTensor) src).data, 0, ((HeapTensor) dst).data, 0, src.size());
    }

    private static UnsupportedOperationException refused() {
        return new UnsupportedOperationException("StorageBackend only stores tensors");
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        throw refused();
    }

    @Override
    protected void addRowBiasKernel(Tensor x, Tensor bias) {
        throw refused();
    }

    @Override
    protected void sumRowsKernel(Tensor x, Tensor out) {
        throw refused();
    }

    @Override
    protected void reluKernel(Tensor x, Tensor out) {
        throw refused();
    }

    @Override
    protected void reluBackwardKernel(Tensor gradOut, Tensor x, Tensor gradIn) {
        throw refused();
    }

    @Override
    protected void dropoutKernel(Tensor x, Tensor mask, Tensor out, float p, long seed) {
        throw refused();
    }

    @Override
    protected void softmaxKernel(Tensor logits, float temperature, Tensor out) {
        throw refused();
    }

    @Override
    protected void logSoftmaxKernel(Tensor logits, float temperature, Tensor out) {
        throw refused();
    }

    @Override
    protected void crossEntropyKernel(Tensor logits, Tensor labels, float weight, Tensor grad, Tensor loss) {
        throw refused();
    }

    @Override
    protected void softTargetLossKernel(Tensor studentLogits, Tensor teacherLogits, float temperature, float weight, Tensor grad, Tensor loss) {
        throw refused();
    }

    @Override
    protected void mseLossKernel(Tensor a, Tensor b, float weight, Tensor grad, Tensor loss) {
        throw refused();
    }

    @Override
    protected void sgdUpdateKernel(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay, boolean nesterov) {
        throw refused();
    }

    @Override
    protected void adamUpdateKernel(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float weightDecay, int step) {
        throw refused();
    }

    @Override
    protected void maxNormColumnsKernel(Tensor weights, float maxNorm) {
        throw refused();
    }

    @Override
    protected void argmaxRowsKernel(Tensor x, int[] out) {
        throw refused();
    }

    @Override
    protected void axpyKernel(float alpha, Tensor x, Tensor y) {
        throw refused();
    }

    @Override
    protected void scaleKernel(Tensor x, float s) {
        throw refused();
    }

    @Override
    protected void mulKernel(Tensor a, Tensor b, Tensor out) {
        throw refused();
    }

    @Override
    protected double sumSquaresKernel(Tensor x) {
        throw refused();
    }
}
