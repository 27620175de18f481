package org.distill4j.backend.device;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;

/**
 * A backend whose ops are kernels on one device, reached through a {@link DeviceDriver}: this class
 * maps each op to its kernel and arguments, and owns the memory pool, the row-loss and reduction
 * helpers and tensor lifetime; the subclass gives the driver, {@link #name()} and {@link #describe()}.
 *
 * <p>Ops are queued and return at once; reading a tensor, {@link #argmaxRows}, {@link #sumSquares}
 * and {@link #synchronize()} wait. Loss values stay on the device (a per-row kernel, then a
 * one-group sum into the loss tensor). Tensors and scratch buffers come from a pool keyed by size,
 * so after a training loop's first step no op allocates; {@link #close()} frees every block.
 *
 * <p><b>Threads</b>: every op, transfer and allocation holds this instance's lock and checks that
 * the backend is open before it touches the pool or the driver, so ops may be called from any
 * thread, one at a time ({@link #threadSafe()} is true).
 *
 * @param <B> the driver's handle of a block of device memory
 */
public abstract class DeviceBackend<B> extends Backend {
    private final DeviceDriver<B> driver;
    private final DevicePool<B> pool;
    private final Geometry geometry;
    /** What {@link #ensureOpen()} names, e.g. {@code "CUDA backend on NVIDIA H200"}. */
    private final String label;
    private boolean closed;

    /** A backend over {@code driver}, which it closes with itself; {@code label} names it in errors. */
    protected DeviceBackend(DeviceDriver<B> driver, String label) {
        this.driver = driver;
        this.pool = new DevicePool<>(driver);
        this.geometry = driver.geometry();
        this.label = label;
    }

    /** Every op holds the instance lock; see the class comment. */
    @Override
    public boolean threadSafe() {
        return true;
    }

    /** Throws if closed, else readies the driver on this thread. Callers hold the lock. */
    protected final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the " + label + " is closed");
        }
        driver.enter();
    }

    // ------------------------------------------------------------------ memory

    @Override
    protected final synchronized Tensor allocate(int[] shape) {
        ensureOpen();
        long bytes = (long) Tensor.checkedSize(shape) * Float.BYTES;
        return new DeviceTensor<>(this, shape, pool.acquire(bytes));
    }

    final synchronized void write(DeviceTensor<B> t, float[] src, int offset) {
        ensureOpen();
        driver.copyIn(t.block(), src, offset, t.bytes());
    }

    final synchronized void read(DeviceTensor<B> t, float[] dst) {
        ensureOpen();
        driver.copyOut(t.block(), FloatBuffer.wrap(dst), t.bytes());
    }

    final synchronized void releaseBlock(B block, long bytes) {
        if (!closed) {
            pool.release(block, bytes);
        }
    }

    /** Bytes of released blocks waiting in the pool. */
    public final synchronized long pooledBytes() {
        return pool.freeBytes();
    }

    /** Device blocks allocated and not yet freed (held by tensors or pooled). */
    public final synchronized int allocatedBlocks() {
        return pool.allocated();
    }

    /** How many times the pool asked the driver for a new block. */
    public final synchronized long deviceAllocations() {
        return pool.allocations();
    }

    @Override
    public final synchronized void synchronize() {
        ensureOpen();
        driver.synchronize();
    }

    /** Waits for the queue, frees every block, then closes the driver; throws the first failure after doing all of it. */
    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            driver.enter();
            driver.synchronize();
        } catch (RuntimeException e) {
            failure = e;
        }
        failure = pool.close(failure);
        try {
            driver.close();
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ------------------------------------------------------------------ kernel launching

    @SuppressWarnings("unchecked")
    private B block(Tensor t) {
        return ((DeviceTensor<B>) t).block();
    }

    /** Collects a kernel's arguments in order, then launches it. */
    private final class Launch {
        private final String kernel;
        private final List<KernelArg> args = new ArrayList<>();

        Launch(String kernel) {
            ensureOpen();
            this.kernel = kernel;
        }

        Launch mem(Tensor t) {
            return mem(block(t));
        }

        Launch mem(B block) {
            args.add(new KernelArg.Memory(block));
            return this;
        }

        Launch i(int v) {
            args.add(new KernelArg.Int(v));
            return this;
        }

        Launch f(float v) {
            args.add(new KernelArg.Float32(v));
            return this;
        }

        Launch ul(long v) {
            args.add(new KernelArg.UInt64(v));
            return this;
        }

        void run(Grid grid) {
            driver.launch(kernel, args.toArray(KernelArg[]::new), grid);
        }

        /** One item per element. */
        void elements(long n) {
            int group = geometry.elementGroup();
            run(Grid.linear(Grid.groups(n, group), group));
        }

        /** One group per row. */
        void rows(int rows, int cols) {
            run(Grid.linear(rows, geometry.rowGroup(cols)));
        }
    }

    /** Runs a loss kernel that writes one partial per row into a pooled block, then {@code loss = scale * sum}. */
    private void rowLoss(int rows, Consumer<B> rowKernel, float scale, Tensor loss) {
        ensureOpen();
        long bytes = (long) rows * Float.BYTES;
        B partials = pool.acquire(bytes);
        try {
            rowKernel.accept(partials);
            new Launch("reduce_sum").mem(partials).i(rows).f(scale).mem(loss)
                    .run(Grid.linear(1, geometry.reduceGroup()));
        } finally {
            pool.release(partials, bytes);
        }
    }

    // ------------------------------------------------------------------ linear algebra

    @Override
    protected final synchronized void gemmKernel(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                                 Tensor a, Tensor b, float beta, Tensor c) {
        ensureOpen();
        if (driver.libraryGemm(transA, transB, m, n, k, alpha, block(a), block(b), beta, block(c))) {
            return;
        }
        BuiltInGemm gemm = driver.builtInGemm();
        new Launch(gemm.kernel()).i(transA ? 1 : 0).i(transB ? 1 : 0).i(m).i(n).i(k).f(alpha).mem(a).mem(b).f(beta)
                .mem(c).run(Grid.planar(Grid.groups(n, gemm.tile), Grid.groups(m, gemm.tile), gemm.group, gemm.group));
    }

    @Override
    protected final synchronized void addRowBiasKernel(Tensor x, Tensor bias) {
        new Launch("add_row_bias").mem(x).mem(bias).i(x.size()).i(x.cols()).elements(x.size());
    }

    @Override
    protected final synchronized void sumRowsKernel(Tensor x, Tensor out) {
        new Launch("sum_rows").mem(x).mem(out).i(x.rows()).i(x.cols()).elements(x.cols());
    }

    // ------------------------------------------------------------------ activations

    @Override
    protected final synchronized void reluKernel(Tensor x, Tensor out) {
        new Launch("relu").mem(x).mem(out).i(x.size()).elements(x.size());
    }

    @Override
    protected final synchronized void reluBackwardKernel(Tensor gradOut, Tensor x, Tensor gradIn) {
        new Launch("relu_backward").mem(gradOut).mem(x).mem(gradIn).i(x.size()).elements(x.size());
    }

    @Override
    protected final synchronized void dropoutKernel(Tensor x, Tensor mask, Tensor out, float p, long seed) {
        float keepScale = 1f / (1f - p);
        new Launch("dropout").mem(x).mem(mask).mem(out).i(x.size()).f(p).f(keepScale).ul(seed).elements(x.size());
    }

    // ------------------------------------------------------------------ softmax family

    @Override
    protected final synchronized void softmaxKernel(Tensor logits, float temperature, Tensor out) {
        new Launch("softmax").mem(logits).mem(out).i(logits.cols()).f(temperature).rows(logits.rows(), logits.cols());
    }

    @Override
    protected final synchronized void logSoftmaxKernel(Tensor logits, float temperature, Tensor out) {
        new Launch("log_softmax").mem(logits).mem(out).i(logits.cols()).f(temperature)
                .rows(logits.rows(), logits.cols());
    }

    // ------------------------------------------------------------------ losses

    @Override
    protected final synchronized void crossEntropyKernel(Tensor logits, Tensor labels, float weight, Tensor grad,
                                                         Tensor loss) {
        int rows = logits.rows();
        int cols = logits.cols();
        rowLoss(rows, partials -> new Launch("cross_entropy_rows").mem(logits).mem(labels).mem(grad).mem(partials)
                .i(cols).f(weight / rows).rows(rows, cols), 1f / rows, loss);
    }

    @Override
    protected final synchronized void softTargetLossKernel(Tensor studentLogits, Tensor teacherLogits,
                                                           float temperature, float weight, Tensor grad, Tensor loss) {
        int rows = studentLogits.rows();
        int cols = studentLogits.cols();
        rowLoss(rows, partials -> new Launch("soft_target_rows").mem(studentLogits).mem(teacherLogits).mem(grad)
                        .mem(partials).i(cols).f(temperature).f(weight * temperature / rows).rows(rows, cols),
                temperature * temperature / rows, loss);
    }

    @Override
    protected final synchronized void mseLossKernel(Tensor a, Tensor b, float weight, Tensor grad, Tensor loss) {
        int rows = a.rows();
        int cols = a.cols();
        rowLoss(rows, partials -> new Launch("mse_rows").mem(a).mem(b).mem(grad).mem(partials).i(cols)
                .f(weight / rows).rows(rows, cols), 0.5f / rows, loss);
    }

    // ------------------------------------------------------------------ optimiser updates

    @Override
    protected final synchronized void sgdUpdateKernel(Tensor param, Tensor grad, Tensor velocity, float lr,
                                                      float momentum, float weightDecay, boolean nesterov) {
        new Launch("sgd_update").mem(param).mem(grad).mem(velocity).i(param.size()).f(lr).f(momentum)
                .f(weightDecay).i(nesterov ? 1 : 0).elements(param.size());
    }

    @Override
    protected final synchronized void adamUpdateKernel(Tensor param, Tensor grad, Tensor m, Tensor v, float lr,
                                                       float beta1, float beta2, float eps, float weightDecay,
                                                       int step) {
        float correction1 = (float) (1 - Math.pow(beta1, step));
        float correction2 = (float) (1 - Math.pow(beta2, step));
        new Launch("adam_update").mem(param).mem(grad).mem(m).mem(v).i(param.size()).f(lr).f(beta1).f(beta2)
                .f(eps).f(weightDecay).f(correction1).f(correction2).elements(param.size());
    }

    @Override
    protected final synchronized void maxNormColumnsKernel(Tensor weights, float maxNorm) {
        new Launch("max_norm_columns").mem(weights).i(weights.rows()).i(weights.cols()).f(maxNorm)
                .elements(weights.cols());
    }

    // ------------------------------------------------------------------ reductions and elementwise

    @Override
    protected final synchronized void argmaxRowsKernel(Tensor x, int[] out) {
        ensureOpen();
        int rows = x.rows();
        long bytes = (long) rows * Integer.BYTES;
        B indices = pool.acquire(bytes);
        try {
            new Launch("argmax_rows").mem(x).i(rows).i(x.cols()).mem(indices).elements(rows);
            driver.copyOut(indices, IntBuffer.wrap(out), bytes);
        } finally {
            pool.release(indices, bytes);
        }
    }

    @Override
    protected final synchronized void fillKernel(Tensor x, float value) {
        new Launch("fill").mem(x).i(x.size()).f(value).elements(x.size());
    }

    @Override
    protected final synchronized void copyKernel(Tensor src, Tensor dst) {
        ensureOpen();
        driver.copy(block(src), block(dst), (long) src.size() * Float.BYTES);
    }

    @Override
    protected final synchronized void axpyKernel(float alpha, Tensor x, Tensor y) {
        new Launch("axpy").f(alpha).mem(x).mem(y).i(x.size()).elements(x.size());
    }

    @Override
    protected final synchronized void scaleKernel(Tensor x, float s) {
        new Launch("scale").mem(x).i(x.size()).f(s).elements(x.size());
    }

    @Override
    protected final synchronized void mulKernel(Tensor a, Tensor b, Tensor out) {
        new Launch("mul").mem(a).mem(b).mem(out).i(a.size()).elements(a.size());
    }

    @Override
    protected final synchronized double sumSquaresKernel(Tensor x) {
        ensureOpen();
        int group = geometry.elementGroup();
        int groups = Math.min(Grid.groups(x.size(), group), geometry.sumSquaresGroups());
        long bytes = (long) groups * Float.BYTES;
        B partials = pool.acquire(bytes);
        try {
            new Launch("sum_squares_partials").mem(x).i(x.size()).mem(partials).run(Grid.linear(groups, group));
            float[] host = new float[groups];
            driver.copyOut(partials, FloatBuffer.wrap(host), bytes);
            double sum = 0;
            for (float p : host) {
                sum += p;
            }
            return sum;
        } finally {
            pool.release(partials, bytes);
        }
    }
}
