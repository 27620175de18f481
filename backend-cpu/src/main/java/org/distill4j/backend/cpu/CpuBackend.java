package org.distill4j.backend.cpu;

import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.Tensor;

/**
 * The CPU backend: tensors are heap {@code float[]}s and every op runs on the JVM, with SIMD
 * kernels ({@link VectorKernels}) when the Vector API is usable and the scalar reference kernels
 * ({@link ScalarKernels}) otherwise.
 *
 * <p>Options ({@link BackendConfig}, or system properties {@code distill4j.cpu.*}):
 * {@code cpu.threads} (default: the available processors) bounds the pool this instance owns;
 * {@code cpu.simd=false} forces the scalar kernels. {@link #close()} stops the pool.
 */
public final class CpuBackend extends Backend {
    /** The provider name. */
    public static final String NAME = "cpu";

    private final int threads;
    private final boolean simd;
    private final WorkerPool pool;
    private final Gemm gemm;

    /** A backend configured from {@code config}, falling back to {@code -Ddistill4j.cpu.*} system properties. */
    public CpuBackend(BackendConfig config) {
        this(threadsOption(config), simdOption(config));
    }

    /** A backend with {@code threads >= 1} threads; {@code simd} is honoured only where the Vector API is usable. */
    public CpuBackend(int threads, boolean simd) {
        if (threads < 1) {
            throw new IllegalArgumentException("option distill4j.cpu.threads must be >= 1, found " + threads);
        }
        this.threads = threads;
        this.simd = simd && VectorSupport.usable();
        this.pool = new WorkerPool(threads);
        this.gemm = this.simd ? new Gemm(pool) : null;
    }

    private static int threadsOption(BackendConfig config) {
        int fallback = Runtime.getRuntime().availableProcessors();
        String property = System.getProperty("distill4j.cpu.threads");
        if (property != null && config.option(NAME, "threads").isEmpty()) {
            config = config.withOption(NAME, "threads", property);
        }
        return config.intOption(NAME, "threads", fallback);
    }

    private static boolean simdOption(BackendConfig config) {
        String raw = config.option(NAME, "simd").orElse(System.getProperty("distill4j.cpu.simd"));
        if (raw == null) {
            return true;
        }
        return switch (raw.trim().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(
                    "option distill4j.cpu.simd must be true or false, found '" + raw + "'");
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        String kernels;
        if (simd) {
            kernels = VectorSupport.describeLanes();
        } else if (VectorSupport.usable()) {
            kernels = "scalar kernels (SIMD switched off)";
        } else {
            kernels = "scalar kernels: " + VectorSupport.problem();
        }
        return "CPU, " + threads + (threads == 1 ? " thread, " : " threads, ") + kernels;
    }

    /** The number of threads one op may use. */
    public int threads() {
        return threads;
    }

    /** Whether the SIMD kernels run (else the scalar reference kernels). */
    public boolean simd() {
        return simd;
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    protected Tensor allocate(int[] shape) {
        return new CpuTensor(this, shape);
    }

    private static float[] data(Tensor t) {
        return ((CpuTensor) t).data();
    }

    // ------------------------------------------------------------------ linear algebra

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                              float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        if (simd) {
            gemm.gemm(transA, transB, m, n, k, alpha, data(a), data(b), beta, data(c));
        } else {
            ScalarKernels.gemm(transA, transB, m, n, k, alpha, data(a), data(b), beta, data(c));
        }
    }

    @Override
    protected void addRowBiasKernel(Tensor x, Tensor bias) {
        if (simd) {
            VectorKernels.addRowBias(data(x), data(bias), x.cols(), 0, x.rows());
        } else {
            ScalarKernels.addRowBias(data(x), data(bias), x.cols(), 0, x.rows());
        }
    }

    @Override
    protected void sumRowsKernel(Tensor x, Tensor out) {
        if (simd) {
            VectorKernels.sumRows(data(x), data(out), x.rows(), x.cols(), 0, x.cols());
        } else {
            ScalarKernels.sumRows(data(x), data(out), x.rows(), x.cols(), 0, x.cols());
        }
    }

    // ------------------------------------------------------------------ activations

    @Override
    protected void reluKernel(Tensor x, Tensor out) {
        if (simd) {
            VectorKernels.relu(data(x), data(out), 0, x.size());
        } else {
            ScalarKernels.relu(data(x), data(out), 0, x.size());
        }
    }

    @Override
    protected void reluBackwardKernel(Tensor gradOut, Tensor x, Tensor gradIn) {
        if (simd) {
            VectorKernels.reluBackward(data(gradOut), data(x), data(gradIn), 0, x.size());
        } else {
            ScalarKernels.reluBackward(data(gradOut), data(x), data(gradIn), 0, x.size());
        }
    }

    @Override
    protected void dropoutKernel(Tensor x, Tensor mask, Tensor out, float p, long seed) {
        if (simd) {
            VectorKernels.dropout(data(x), data(mask), data(out), p, seed, 0, x.size());
        } else {
            ScalarKernels.dropout(data(x), data(mask), data(out), p, seed, 0, x.size());
        }
    }

    // ------------------------------------------------------------------ softmax family

    @Override
    protected void softmaxKernel(Tensor logits, float temperature, Tensor out) {
        if (simd) {
            VectorKernels.softmax(data(logits), temperature, data(out), logits.cols(), 0, logits.rows());
        } else {
            ScalarKernels.softmax(data(logits), temperature, data(out), logits.cols(), 0, logits.rows());
        }
    }

    @Override
    protected void logSoftmaxKernel(Tensor logits, float temperature, Tensor out) {
        if (simd) {
            VectorKernels.logSoftmax(data(logits), temperature, data(out), logits.cols(), 0, logits.rows());
        } else {
            ScalarKernels.logSoftmax(data(logits), temperature, data(out), logits.cols(), 0, logits.rows());
        }
    }

    // ------------------------------------------------------------------ losses

    @Override
    protected void crossEntropyKernel(Tensor logits, Tensor labels, float weight, Tensor grad, Tensor loss) {
        int n = logits.rows();
        double sum = simd
                ? VectorKernels.crossEntropy(data(logits), data(labels), weight / n, data(grad), logits.cols(), 0, n)
                : ScalarKernels.crossEntropy(data(logits), data(labels), weight / n, data(grad), logits.cols(), 0, n);
        data(loss)[0] = (float) (sum / n);
    }

    @Override
    protected void softTargetLossKernel(Tensor studentLogits, Tensor teacherLogits, float temperature,
                                        float weight, Tensor grad, Tensor loss) {
        int n = studentLogits.rows();
        double kl = simd
                ? VectorKernels.softTargetLoss(data(studentLogits), data(teacherLogits), temperature, weight * temperature / n, data(grad), studentLogits.cols(), 0, n)
                : ScalarKernels.softTargetLoss(data(studentLogits), data(teacherLogits), temperature, weight * temperature / n, data(grad), studentLogits.cols(), 0, n);
        data(loss)[0] = (float) ((double) temperature * temperature * kl / n);
    }

    @Override
    protected void mseLossKernel(Tensor a, Tensor b, float weight, Tensor grad, Tensor loss) {
        int n = a.rows();
        double sum = simd
                ? VectorKernels.mseLoss(data(a), data(b), weight / n, data(grad), 0, a.size())
                : ScalarKernels.mseLoss(data(a), data(b), weight / n, data(grad), 0, a.size());
        data(loss)[0] = (float) (sum / (2.0 * n));
    }

    // ------------------------------------------------------------------ optimiser updates

    @Override
    protected void sgdUpdateKernel(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum,
                                   float weightDecay, boolean nesterov) {
        if (simd) {
            VectorKernels.sgdUpdate(data(param), data(grad), data(velocity), lr, momentum, weightDecay, nesterov, 0, param.size());
        } else {
            ScalarKernels.sgdUpdate(data(param), data(grad), data(velocity), lr, momentum, weightDecay, nesterov, 0, param.size());
        }
    }

    @Override
    protected void adamUpdateKernel(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1,
                                    float beta2, float eps, float weightDecay, int step) {
        float bc1 = (float) (1.0 - Math.pow(beta1, step));
        float bc2 = (float) (1.0 - Math.pow(beta2, step));
        if (simd) {
            VectorKernels.adamUpdate(data(param), data(grad), data(m), data(v), lr, beta1, beta2, eps, weightDecay, bc1, bc2, 0, param.size());
        } else {
            ScalarKernels.adamUpdate(data(param), data(grad), data(m), data(v), lr, beta1, beta2, eps, weightDecay, bc1, bc2, 0, param.size());
        }
    }

    @Override
    protected void maxNormColumnsKernel(Tensor weights, float maxNorm) {
        if (simd) {
            VectorKernels.maxNormColumns(data(weights), weights.rows(), weights.cols(), maxNorm);
        } else {
            ScalarKernels.maxNormColumns(data(weights), weights.rows(), weights.cols(), maxNorm);
        }
    }

    // ------------------------------------------------------------------ reductions and elementwise

    @Override
    protected void argmaxRowsKernel(Tensor x, int[] out) {
        if (simd) {
            VectorKernels.argmaxRows(data(x), x.cols(), out, 0, x.rows());
        } else {
            ScalarKernels.argmaxRows(data(x), x.cols(), out, 0, x.rows());
        }
    }

    @Override
    protected void fillKernel(Tensor x, float value) {
        if (simd) {
            VectorKernels.fill(data(x), value, 0, x.size());
        } else {
            ScalarKernels.fill(data(x), value, 0, x.size());
        }
    }

    @Override
    protected void copyKernel(Tensor src, Tensor dst) {
        if (simd) {
            VectorKernels.copy(data(src), data(dst), 0, src.size());
        } else {
            ScalarKernels.copy(data(src), data(dst), 0, src.size());
        }
    }

    @Override
    protected void axpyKernel(float alpha, Tensor x, Tensor y) {
        if (simd) {
            VectorKernels.axpy(alpha, data(x), data(y), 0, x.size());
        } else {
            ScalarKernels.axpy(alpha, data(x), data(y), 0, x.size());
        }
    }

    @Override
    protected void scaleKernel(Tensor x, float s) {
        if (simd) {
            VectorKernels.scale(data(x), s, 0, x.size());
        } else {
            ScalarKernels.scale(data(x), s, 0, x.size());
        }
    }

    @Override
    protected void mulKernel(Tensor a, Tensor b, Tensor out) {
        if (simd) {
            VectorKernels.mul(data(a), data(b), data(out), 0, a.size());
        } else {
            ScalarKernels.mul(data(a), data(b), data(out), 0, a.size());
        }
    }

    @Override
    protected double sumSquaresKernel(Tensor x) {
        return simd ? VectorKernels.sumSquares(data(x), 0, x.size()) : ScalarKernels.sumSquares(data(x), 0, x.size());
    }
}
