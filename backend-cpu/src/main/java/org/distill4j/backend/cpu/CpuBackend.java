package org.distill4j.backend.cpu;

import java.util.concurrent.atomic.AtomicReference;

import org.distill4j.backend.Backend;
import org.distill4j.backend.ImageOps;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.Tensor;

/**
 * The CPU backend: tensors are heap {@code float[]}s and every op runs on the JVM, through one
 * {@link Kernels} implementation picked when the backend is built: the SIMD kernels
 * ({@link VectorKernels}, and {@link Gemm}) when the Vector API is usable, the scalar reference
 * kernels ({@link ScalarKernels}) otherwise.
 *
 * <p>A closed tensor's array goes to an {@link ArrayPool} for the next tensor of the same size,
 * so a repeated step allocates nothing once it has run.
 *
 * <p>Options, read from the {@link BackendConfig} only (system properties {@code -Ddistill4j.cpu.*}
 * reach it through {@link BackendConfig#fromEnvironment()}); an absent option takes its default:
 * {@code cpu.threads} (default: the available processors) bounds the thread pool this instance owns;
 * {@code cpu.simd=false} forces the scalar kernels; {@code cpu.tile=8x3|5x2|auto} forces the gemm's
 * micro-tile (default {@code auto}: from the vector registers, see {@link MicroTile}); {@code cpu.poolMiB} bounds the memory kept
 * for reuse (default: an eighth of the maximum heap; 0 keeps nothing). {@link #close()} stops
 * the threads and drops the kept memory.
 */
public final class CpuBackend extends Backend {
    /** The provider name. */
    public static final String NAME = "cpu";

    /** Elementwise kernels on fewer elements per thread than this run on the caller alone. */
    private static final int PARALLEL_ELEMENTS = 1 << 16;
    /** Below this many elements a kernel with an exponential per element stays on one thread. */
    private static final int PARALLEL_EXP_ELEMENTS = 1 << 14;

    private final int threads;
    private final boolean simd;
    /** The elementwise and row kernels, picked once by {@link #simd}. */
    private final Kernels kernels;
    private final WorkerPool pool;
    private final Gemm gemm;
    /** The micro-tile forced by {@code cpu.tile}, or {@code null}. */
    private final MicroTile tile;
    private final ArrayPool arrays;
    private final CpuImageOps images;
    /** Column sums of squares for {@link #maxNormColumnsKernel}, kept for the next call (a concurrent one makes its own). */
    private final AtomicReference<double[]> columnSums = new AtomicReference<>();
    /** Per-row KL terms of a split {@link #softTargetLossKernel}, kept for the next call (a concurrent one makes its own). */
    private final AtomicReference<double[]> rowTerms = new AtomicReference<>();

    /** A backend configured from {@code config}'s {@code cpu.*} options, each absent one at its default. */
    public CpuBackend(BackendConfig config) {
        this(threadsOption(config), simdOption(config), poolOption(config), tileOption(config));
    }

    /**
     * A backend with {@code threads >= 1} threads and the default pool; {@code simd} is honoured
     * only where the Vector API is usable.
     */
    public CpuBackend(int threads, boolean simd) {
        this(threads, simd, defaultPoolBytes());
    }

    /** A backend that keeps at most {@code poolBytes} of closed tensors' memory for reuse. */
    public CpuBackend(int threads, boolean simd, long poolBytes) {
        this(threads, simd, poolBytes, null);
    }

    /** A backend whose gemm uses {@code tile}, or the machine's choice when it is {@code null}. */
    CpuBackend(int threads, boolean simd, long poolBytes, MicroTile tile) {
        if (threads < 1) {
            throw new IllegalArgumentException("option distill4j.cpu.threads must be >= 1, found " + threads);
        }
        if (poolBytes < 0) {
            throw new IllegalArgumentException("poolBytes must be >= 0, found " + poolBytes);
        }
        this.threads = threads;
        this.simd = simd && VectorSupport.usable();
        this.kernels = Kernels.of(this.simd);
        this.pool = new WorkerPool(threads);
        this.tile = tile;
        this.gemm = this.simd ? new Gemm(pool, Blocking.forThisMachine(tile, Gemm.L), Gemm.SMALL_M) : null;
        this.arrays = new ArrayPool(poolBytes);
        this.images = new CpuImageOps(this, pool, arrays);
    }

    private static long defaultPoolBytes() {
        return Runtime.getRuntime().maxMemory() / 8;
    }

    private static int threadsOption(BackendConfig config) {
        return config.intOption(NAME, "threads", Runtime.getRuntime().availableProcessors());
    }

    private static long poolOption(BackendConfig config) {
        String raw = config.option(NAME, "poolMiB").orElse(null);
        if (raw == null) {
            return defaultPoolBytes();
        }
        int mib;
        try {
            mib = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            mib = -1;
        }
        if (mib < 0) {
            throw new IllegalArgumentException("option distill4j.cpu.poolMiB must be an integer >= 0, found '" + raw + "'");
        }
        return (long) mib << 20;
    }

    private static MicroTile tileOption(BackendConfig config) {
        String raw = config.option(NAME, "tile").orElse(null);
        return raw == null ? null : MicroTile.parse(raw);
    }

    private static boolean simdOption(BackendConfig config) {
        String raw = config.option(NAME, "simd").orElse(null);
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
            kernels = VectorSupport.describe(tile);
        } else if (VectorSupport.usable()) {
            kernels = "scalar kernels (SIMD switched off)";
        } else {
            kernels = "scalar kernels: " + VectorSupport.problem();
        }
        return "CPU, " + threads + (threads == 1 ? " thread, " : " threads, ") + kernels;
    }

    /** The gemm's micro-tile, or {@code null} with the scalar kernels. */
    MicroTile gemmTile() {
        return gemm == null ? null : gemm.blocking().tile();
    }

    /** The number of threads one op may use. */
    public int threads() {
        return threads;
    }

    /** Whether the SIMD kernels run (else the scalar reference kernels). */
    public boolean simd() {
        return simd;
    }

    /** Bytes of closed tensors' memory kept for reuse now. */
    public long pooledBytes() {
        return arrays.pooledBytes();
    }

    @Override
    public void close() {
        pool.close();
        if (gemm != null) {
            gemm.releaseBuffers();
        }
        arrays.close();
    }

    @Override
    protected Tensor allocate(int[] shape) {
        return new CpuTensor(this, shape, arrays);
    }

    static float[] data(Tensor t) {
        return ((CpuTensor) t).data();
    }

    /** A kernel over the index range {@code [from, to)}. */
    @FunctionalInterface
    private interface Range {
        void run(int from, int to);
    }

    /**
     * Runs an elementwise kernel over {@code [0, size)}, split across the pool when the tensor is
     * large enough to repay the hand-off. Each element's result does not depend on the split.
     */
    private void elementwise(int size, Range kernel) {
        int parts = Math.min(pool.threads(), size / PARALLEL_ELEMENTS);
        if (parts <= 1) {
            kernel.run(0, size);
            return;
        }
        pool.run(parts, part -> {
            int from = part == 0 ? 0 : (int) ((long) size * part / parts) & ~63;
            int to = part == parts - 1 ? size : (int) ((long) size * (part + 1) / parts) & ~63;
            kernel.run(from, to);
        });
    }

    // ------------------------------------------------------------------ linear algebra

    @Override
    protected void gemmKernel(boolean transA, boolean transB, int m, int n, int k,
                              float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        gemmArrays(transA, transB, m, n, k, alpha, data(a), data(b), beta, data(c));
    }

    /** {@link #gemm} on row-major arrays at least as long as the matrices (the image ops' unfolded batches). */
    void gemmArrays(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c) {
        if (simd) {
            gemm.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
        } else {
            float[] row = arrays.take(n);
            try {
                ScalarKernels.gemm(transA, transB, m, n, k, alpha, a, b, beta, c, row);
            } finally {
                arrays.give(row);
            }
        }
    }

    @Override
    public ImageOps images() {
        return images;
    }

    @Override
    protected void addRowBiasKernel(Tensor x, Tensor bias) {
        float[] xs = data(x);
        float[] bs = data(bias);
        int cols = x.cols();
        kernels.addRowBias(xs, bs, cols, 0, x.rows());
    }

    @Override
    protected void sumRowsKernel(Tensor x, Tensor out) {
        kernels.sumRows(data(x), data(out), x.rows(), x.cols(), 0, x.cols());
    }

    // ------------------------------------------------------------------ activations

    @Override
    protected void reluKernel(Tensor x, Tensor out) {
        float[] xs = data(x);
        float[] os = data(out);
        elementwise(x.size(), (from, to) -> kernels.relu(xs, os, from, to));
    }

    @Override
    protected void reluBackwardKernel(Tensor gradOut, Tensor x, Tensor gradIn) {
        float[] gs = data(gradOut);
        float[] xs = data(x);
        float[] is = data(gradIn);
        elementwise(x.size(), (from, to) -> kernels.reluBackward(gs, xs, is, from, to));
    }

    @Override
    protected void dropoutKernel(Tensor x, Tensor mask, Tensor out, float p, long seed) {
        float[] xs = data(x);
        float[] ms = data(mask);
        float[] os = data(out);
        elementwise(x.size(), (from, to) -> kernels.dropout(xs, ms, os, p, seed, from, to));
    }

    // ------------------------------------------------------------------ softmax family

    @Override
    protected void softmaxKernel(Tensor logits, float temperature, Tensor out) {
        kernels.softmax(data(logits), temperature, data(out), logits.cols(), 0, logits.rows());
    }

    @Override
    protected void logSoftmaxKernel(Tensor logits, float temperature, Tensor out) {
        kernels.logSoftmax(data(logits), temperature, data(out), logits.cols(), 0, logits.rows());
    }

    // ------------------------------------------------------------------ losses

    @Override
    protected void crossEntropyKernel(Tensor logits, Tensor labels, float weight, Tensor grad, Tensor loss) {
        int n = logits.rows();
        float gradScale = weight / n;
        double sum = kernels.crossEntropy(data(logits), data(labels), gradScale, data(grad), logits.cols(), 0, n);
        data(loss)[0] = (float) (sum / n);
    }

    @Override
    protected void softTargetLossKernel(Tensor studentLogits, Tensor teacherLogits, float temperature,
                                        float weight, Tensor grad, Tensor loss) {
        int n = studentLogits.rows();
        int cols = studentLogits.cols();
        float gradScale = weight * temperature / n;
        float[] s = data(studentLogits);
        float[] t = data(teacherLogits);
        float[] g = data(grad);
        int parts = Math.min(pool.threads(), n * cols / PARALLEL_EXP_ELEMENTS);
        double kl;
        if (parts <= 1) {
            kl = softTargetRows(s, t, temperature, gradScale, g, cols, 0, n, null);
        } else {
            double[] kept = rowTerms.getAndSet(null);
            double[] rowKl = kept != null && kept.length >= n ? kept : new double[n];
            pool.run(parts, part -> softTargetRows(s, t, temperature, gradScale, g, cols,
                    (int) ((long) n * part / parts), (int) ((long) n * (part + 1) / parts), rowKl));
            kl = 0;
            for (int r = 0; r < n; r++) {
                kl += rowKl[r];
            }
            rowTerms.set(rowKl);
        }
        data(loss)[0] = (float) ((double) temperature * temperature * kl / n);
    }

    /**
     * Soft-target rows {@code [from, to)}, one kernel call per row: returns their KL sum in row order,
     * or with {@code rowKl} stores each row's term there, so a caller that splits the rows and adds
     * the terms in row order gets the same bits.
     */
    private double softTargetRows(float[] s, float[] t, float temperature, float gradScale, float[] grad,
                                  int cols, int from, int to, double[] rowKl) {
        float[] scratch = arrays.take(kernels.softTargetScratch(cols));
        try {
            double kl = 0;
            for (int r = from; r < to; r++) {
                double term = kernels.softTargetLoss(s, t, temperature, gradScale, grad, cols, r, r + 1, scratch);
                if (rowKl != null) {
                    rowKl[r] = term;
                } else {
                    kl += term;
                }
            }
            return kl;
        } finally {
            arrays.give(scratch);
        }
    }

    @Override
    protected void mseLossKernel(Tensor a, Tensor b, float weight, Tensor grad, Tensor loss) {
        int n = a.rows();
        float gradScale = weight / n;
        double sum = kernels.mseLoss(data(a), data(b), gradScale, data(grad), 0, a.size());
        data(loss)[0] = (float) (sum / (2.0 * n));
    }

    // ------------------------------------------------------------------ optimiser updates

    @Override
    protected void sgdUpdateKernel(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum,
                                   float weightDecay, boolean nesterov) {
        float[] ps = data(param);
        float[] gs = data(grad);
        float[] vs = data(velocity);
        elementwise(param.size(),
                (from, to) -> kernels.sgdUpdate(ps, gs, vs, lr, momentum, weightDecay, nesterov, from, to));
    }

    @Override
    protected void adamUpdateKernel(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1,
                                    float beta2, float eps, float weightDecay, int step) {
        float bc1 = (float) (1.0 - Math.pow(beta1, step));
        float bc2 = (float) (1.0 - Math.pow(beta2, step));
        float[] ps = data(param);
        float[] gs = data(grad);
        float[] ms = data(m);
        float[] vs = data(v);
        elementwise(param.size(),
                (from, to) -> kernels.adamUpdate(ps, gs, ms, vs, lr, beta1, beta2, eps, weightDecay, bc1, bc2, from, to));
    }

    @Override
    protected void maxNormColumnsKernel(Tensor weights, float maxNorm) {
        int cols = weights.cols();
        double[] sq = columnSums.getAndSet(null);
        if (sq == null || sq.length < cols) {
            sq = new double[cols];
        }
        float[] scratch = arrays.take(cols);
        try {
            kernels.maxNormColumns(data(weights), weights.rows(), cols, maxNorm, sq, scratch);
        } finally {
            arrays.give(scratch);
            columnSums.set(sq);
        }
    }

    // ------------------------------------------------------------------ reductions and elementwise

    @Override
    protected void argmaxRowsKernel(Tensor x, int[] out) {
        kernels.argmaxRows(data(x), x.cols(), out, 0, x.rows());
    }

    @Override
    protected void fillKernel(Tensor x, float value) {
        float[] xs = data(x);
        elementwise(x.size(), (from, to) -> kernels.fill(xs, value, from, to));
    }

    @Override
    protected void copyKernel(Tensor src, Tensor dst) {
        float[] ss = data(src);
        float[] ds = data(dst);
        elementwise(src.size(), (from, to) -> kernels.copy(ss, ds, from, to));
    }

    @Override
    protected void axpyKernel(float alpha, Tensor x, Tensor y) {
        float[] xs = data(x);
        float[] ys = data(y);
        elementwise(x.size(), (from, to) -> kernels.axpy(alpha, xs, ys, from, to));
    }

    @Override
    protected void scaleKernel(Tensor x, float s) {
        float[] xs = data(x);
        elementwise(x.size(), (from, to) -> kernels.scale(xs, s, from, to));
    }

    @Override
    protected void mulKernel(Tensor a, Tensor b, Tensor out) {
        float[] as = data(a);
        float[] bs = data(b);
        float[] os = data(out);
        elementwise(a.size(), (from, to) -> kernels.mul(as, bs, os, from, to));
    }

    @Override
    protected double sumSquaresKernel(Tensor x) {
        return kernels.sumSquares(data(x), 0, x.size());
    }
}
