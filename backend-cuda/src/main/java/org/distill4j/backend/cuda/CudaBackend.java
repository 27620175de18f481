package org.distill4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * Runs every op on one NVIDIA GPU through the CUDA driver API (JCuda): the kernels are this
 * package's PTX resources (sources in {@code src/main/cuda}), and gemm goes to cuBLAS when
 * {@code libcublas.so.12} loads, else to the built-in tiled kernel ({@link #describe()} says which).
 *
 * <p>The backend uses the device's primary context (shared with cuBLAS and any other CUDA user in
 * the process) and one stream, created blocking ({@code CU_STREAM_DEFAULT}). Kernel launches,
 * device-to-device copies and cuBLAS calls are queued on it and return at once. Host copies are the
 * synchronous {@code cuMemcpyHtoD}/{@code cuMemcpyDtoH} on the legacy default stream, which waits
 * for the blocking stream's earlier work and holds back its later work; reading a tensor,
 * {@link #argmaxRows}, {@link #sumSquares} and {@link #synchronize()} are the only places the host
 * waits. Loss values stay on the device (a per-row kernel, then a one-block sum into the loss tensor).
 *
 * <p>Memory comes from a pool owned by the instance ({@link DevicePool}): after the first training
 * step every tensor and scratch buffer reuses a block of the same size, and {@link #close()} frees
 * them all.
 *
 * <p><b>Threads</b>: every op, transfer and allocation holds this instance's lock and first makes the
 * context current on the calling thread ({@code cuCtxSetCurrent}), so ops may be called from any
 * thread, one at a time ({@link #threadSafe()} is true).
 *
 * <p>Options: {@code cuda.device} (index, default 0) and {@code cuda.gemm}: {@code auto} (cuBLAS
 * when it loads), {@code cublas} (fail without it) or {@code tiled} (always the built-in kernel).
 */
public final class CudaBackend extends Backend {
    /** Threads per block of the element-wise kernels. */
    static final int ELEMENT_BLOCK = 256;
    /** The largest block of the one-block-per-row kernels (a multiple of 32). */
    static final int MAX_ROW_BLOCK = 256;
    /** Threads of the one-block sum that finishes a loss. */
    static final int REDUCE_BLOCK = 256;
    /** Blocks producing sum-of-squares partials, at most. */
    static final int SUM_SQUARES_BLOCKS = 128;
    private static final int GEMM_TILE = 64;
    private static final int GEMM_GROUP = 16;

    /** How gemm is computed. */
    enum GemmChoice {
        AUTO, CUBLAS, TILED;

        static GemmChoice parse(String option) {
            try {
                return valueOf(option.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("option distill4j.cuda.gemm must be auto, cublas or tiled, found '"
                        + option + "'");
            }
        }
    }

    private final CudaDevice device;
    private final CUcontext context;
    private final CUstream stream;
    private final Kernels kernels;
    private final DevicePool pool = new DevicePool();
    /** cuBLAS, or {@code null} when gemm uses the tiled kernel. */
    private final Cublas cublas;
    private final String gemmDescription;
    private boolean closed;

    /**
     * Retains {@code device}'s primary context, creates the stream, loads the kernels and, unless
     * {@code gemm} is {@link GemmChoice#TILED}, cuBLAS; releases what it made if a step fails.
     *
     * @throws CudaException when a driver call fails (e.g. {@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION} loading the PTX)
     * @throws IllegalStateException when {@code gemm} is {@link GemmChoice#CUBLAS} and cuBLAS cannot be used
     */
    CudaBackend(CudaDevice device, GemmChoice gemm) {
        this.device = device;
        CUcontext ctx = new CUcontext();
        Cu.check(cuDevicePrimaryCtxRetain(ctx, device.handle()), "cuDevicePrimaryCtxRetain");
        CUstream s = null;
        Kernels k = null;
        Cublas blas = null;
        String gemmText;
        try {
            Cu.check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
            s = new CUstream();
            Cu.check(cuStreamCreate(s, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
            k = Kernels.load();
            String unavailable = gemm == GemmChoice.TILED ? "gemm: built-in tiled kernel (option cuda.gemm=tiled)"
                    : Cublas.loadFailure();
            if (unavailable == null) {
                try {
                    blas = Cublas.create(s);
                } catch (CudaException e) {
                    unavailable = "cuBLAS failed to start: gemm uses the built-in tiled kernel (" + e.getMessage() + ")";
                }
            }
            if (blas == null && gemm == GemmChoice.CUBLAS) {
                throw new IllegalStateException("option cuda.gemm=cublas, but " + unavailable);
            }
            gemmText = blas != null ? "gemm: cuBLAS " + blas.version() : unavailable;
        } catch (RuntimeException e) {
            if (k != null) {
                k.unload();
            }
            if (s != null) {
                cuStreamDestroy(s);
            }
            cuDevicePrimaryCtxRelease(device.handle());
            throw e;
        }
        this.context = ctx;
        this.stream = s;
        this.kernels = k;
        this.cublas = blas;
        this.gemmDescription = gemmText;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String describe() {
        return "CUDA " + device.summary() + "; " + gemmDescription;
    }

    /** Every op holds the instance lock and makes the context current; see the class comment. */
    @Override
    public boolean threadSafe() {
        return true;
    }

    /** Whether gemm goes to cuBLAS (else to the tiled kernel). */
    boolean usesCublas() {
        return cublas != null;
    }

    /**
     * How gemm is computed, e.g. {@code "gemm: cuBLAS 12.6.4"} or {@code "cuBLAS (libcublas.so.12) not
     * loadable: gemm uses the built-in tiled kernel (libcublas.so.12 not found)"}.
     */
    String gemmDescription() {
        return gemmDescription;
    }

    // ------------------------------------------------------------------ memory

    @Override
    protected synchronized Tensor allocate(int[] shape) {
        enter();
        long bytes = (long) Tensor.checkedSize(shape) * Float.BYTES;
        return new CudaTensor(this, shape, pool.acquire(bytes));
    }

    synchronized void write(CudaTensor t, float[] src, int offset) {
        enter();
        Cu.check(cuMemcpyHtoD(t.ptr(), Pointer.to(src).withByteOffset((long) offset * Float.BYTES), t.bytes()),
                "cuMemcpyHtoD(" + t.bytes() + " bytes)");
    }

    synchronized void read(CudaTensor t, float[] dst) {
        enter();
        Cu.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
        Cu.check(cuMemcpyDtoH(Pointer.to(dst), t.ptr(), t.bytes()), "cuMemcpyDtoH(" + t.bytes() + " bytes)");
    }

    synchronized void releaseBlock(CUdeviceptr ptr, long bytes) {
        if (!closed) {
            pool.release(ptr, bytes);
        }
    }

    /** Bytes of released blocks waiting in the pool. */
    synchronized long pooledBytes() {
        return pool.freeBytes();
    }

    /** Device blocks allocated and not yet freed (held by tensors or pooled). */
    synchronized int allocatedBlocks() {
        return pool.allocated();
    }

    /** How many times the pool called {@code cuMemAlloc}. */
    synchronized long deviceAllocations() {
        return pool.allocations();
    }

    @Override
    public synchronized void synchronize() {
        enter();
        Cu.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /** Waits for the stream, then frees every block, cuBLAS, the modules and the stream, and releases the context. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        FirstFailure failure = new FirstFailure();
        failure.note(cuCtxSetCurrent(context), "cuCtxSetCurrent");
        failure.note(cuStreamSynchronize(stream), "cuStreamSynchronize");
        failure.note(pool.close(), "cuMemFree");
        if (cublas != null) {
            int status = cublas.close();
            if (status != 0 && failure.call == null) {
                failure.call = "cublasDestroy";
            }
        }
        failure.note(kernels.unload(), "cuModuleUnload");
        failure.note(cuStreamDestroy(stream), "cuStreamDestroy");
        failure.note(cuDevicePrimaryCtxRelease(device.handle()), "cuDevicePrimaryCtxRelease");
        if (failure.call != null) {
            throw new CudaException("close: " + failure.call, CUresult.stringFor(failure.result), failure.result, null);
        }
    }

    /** The first failing call of a clean-up that goes on after failures. */
    private static final class FirstFailure {
        String call;
        int result;

        void note(int r, String name) {
            if (r != CUresult.CUDA_SUCCESS && call == null) {
                call = name;
                result = r;
            }
        }
    }

    /** Throws if closed, else makes the context current on this thread. Callers hold the lock. */
    private void enter() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend on " + device.name() + " is closed");
        }
        Cu.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    // ------------------------------------------------------------------ kernel launching

    /** Collects a kernel's arguments in order, then launches it on the stream. */
    private final class Launch {
        private final String name;
        private final CUfunction function;
        private final Pointer[] args = new Pointer[16];
        private int count;

        Launch(String name) {
            enter();
            this.name = name;
            this.function = kernels.function(name);
        }

        Launch ptr(Tensor t) {
            return ptr(((CudaTensor) t).ptr());
        }

        Launch ptr(CUdeviceptr p) {
            return arg(Pointer.to(p));
        }

        Launch i(int v) {
            return arg(Pointer.to(new int[]{v}));
        }

        Launch f(float v) {
            return arg(Pointer.to(new float[]{v}));
        }

        /** A Java long passed bit for bit as {@code unsigned long long}. */
        Launch ul(long v) {
            return arg(Pointer.to(new long[]{v}));
        }

        private Launch arg(Pointer value) {
            args[count++] = value;
            return this;
        }

        void run(int gridX, int gridY, int blockX, int blockY) {
            Cu.check(cuLaunchKernel(function, gridX, gridY, 1, blockX, blockY, 1, 0, stream,
                    Pointer.to(Arrays.copyOf(args, count)), null), "cuLaunchKernel(" + name + ")");
        }

        /** One thread per element, in blocks of {@link #ELEMENT_BLOCK}. */
        void elements(long n) {
            run(blocks(n, ELEMENT_BLOCK), 1, ELEMENT_BLOCK, 1);
        }

        /** One block per row, sized to the row (see {@link #rowBlock}). */
        void rows(int rows, int cols) {
            run(rows, 1, rowBlock(cols), 1);
        }
    }

    /** Threads per block of a one-block-per-row kernel: the row length rounded up to a warp, at most {@link #MAX_ROW_BLOCK}. */
    static int rowBlock(int cols) {
        return Math.min(MAX_ROW_BLOCK, (cols + 31) / 32 * 32);
    }

    private static int blocks(long n, int perBlock) {
        return (int) ((n + perBlock - 1) / perBlock);
    }

    /** {@code out[0] = scale * sum(partials[0..count))}, as one block. */
    private void reduceSum(CUdeviceptr partials, int count, float scale, Tensor out) {
        new Launch("reduce_sum").ptr(partials).i(count).f(scale).ptr(out).run(1, 1, REDUCE_BLOCK, 1);
    }

    // ------------------------------------------------------------------ linear algebra

    @Override
    protected synchronized void gemmKernel(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                           Tensor a, Tensor b, float beta, Tensor c) {
        if (cublas != null) {
            enter();
            cublas.sgemm(transA, transB, m, n, k, alpha, ((CudaTensor) a).ptr(), ((CudaTensor) b).ptr(), beta,
                    ((CudaTensor) c).ptr());
            return;
        }
        new Launch("gemm_tiled").i(transA ? 1 : 0).i(transB ? 1 : 0).i(m).i(n).i(k).f(alpha).ptr(a).ptr(b).f(beta)
                .ptr(c).run(blocks(n, GEMM_TILE), blocks(m, GEMM_TILE), GEMM_GROUP, GEMM_GROUP);
    }

    @Override
    protected synchronized void addRowBiasKernel(Tensor x, Tensor bias) {
        new Launch("add_row_bias").ptr(x).ptr(bias).i(x.size()).i(x.cols()).elements(x.size());
    }

    @Override
    protected synchronized void sumRowsKernel(Tensor x, Tensor out) {
        new Launch("sum_rows").ptr(x).ptr(out).i(x.rows()).i(x.cols()).elements(x.cols());
    }

    // ------------------------------------------------------------------ activations

    @Override
    protected synchronized void reluKernel(Tensor x, Tensor out) {
        new Launch("relu").ptr(x).ptr(out).i(x.size()).elements(x.size());
    }

    @Override
    protected synchronized void reluBackwardKernel(Tensor gradOut, Tensor x, Tensor gradIn) {
        new Launch("relu_backward").ptr(gradOut).ptr(x).ptr(gradIn).i(x.size()).elements(x.size());
    }

    @Override
    protected synchronized void dropoutKernel(Tensor x, Tensor mask, Tensor out, float p, long seed) {
        float keepScale = 1f / (1f - p);
        new Launch("dropout").ptr(x).ptr(mask).ptr(out).i(x.size()).f(p).f(keepScale).ul(seed).elements(x.size());
    }

    // ------------------------------------------------------------------ softmax family

    @Override
    protected synchronized void softmaxKernel(Tensor logits, float temperature, Tensor out) {
        new Launch("softmax").ptr(logits).ptr(out).i(logits.cols()).f(temperature).rows(logits.rows(), logits.cols());
    }

    @Override
    protected synchronized void logSoftmaxKernel(Tensor logits, float temperature, Tensor out) {
        new Launch("log_softmax").ptr(logits).ptr(out).i(logits.cols()).f(temperature)
                .rows(logits.rows(), logits.cols());
    }

    // ------------------------------------------------------------------ losses

    @Override
    protected synchronized void crossEntropyKernel(Tensor logits, Tensor labels, float weight, Tensor grad,
                                                   Tensor loss) {
        int rows = logits.rows();
        int cols = logits.cols();
        rowLoss(rows, partials -> new Launch("cross_entropy_rows").ptr(logits).ptr(labels).ptr(grad).ptr(partials)
                .i(cols).f(weight / rows).rows(rows, cols), 1f / rows, loss);
    }

    @Override
    protected synchronized void softTargetLossKernel(Tensor studentLogits, Tensor teacherLogits, float temperature,
                                                     float weight, Tensor grad, Tensor loss) {
        int rows = studentLogits.rows();
        int cols = studentLogits.cols();
        rowLoss(rows, partials -> new Launch("soft_target_rows").ptr(studentLogits).ptr(teacherLogits).ptr(grad)
                        .ptr(partials).i(cols).f(temperature).f(weight * temperature / rows).rows(rows, cols),
                temperature * temperature / rows, loss);
    }

    @Override
    protected synchronized void mseLossKernel(Tensor a, Tensor b, float weight, Tensor grad, Tensor loss) {
        int rows = a.rows();
        int cols = a.cols();
        rowLoss(rows, partials -> new Launch("mse_rows").ptr(a).ptr(b).ptr(grad).ptr(partials).i(cols)
                .f(weight / rows).rows(rows, cols), 0.5f / rows, loss);
    }

    /** Runs a loss kernel that writes one partial per row into a pooled block, then {@code loss = scale * sum}. */
    private void rowLoss(int rows, Consumer<CUdeviceptr> rowKernel, float scale, Tensor loss) {
        enter();
        long bytes = (long) rows * Float.BYTES;
        CUdeviceptr partials = pool.acquire(bytes);
        try {
            rowKernel.accept(partials);
            reduceSum(partials, rows, scale, loss);
        } finally {
            pool.release(partials, bytes);
        }
    }

    // ------------------------------------------------------------------ optimiser updates

    @Override
    protected synchronized void sgdUpdateKernel(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum,
                                                float weightDecay, boolean nesterov) {
        new Launch("sgd_update").ptr(param).ptr(grad).ptr(velocity).i(param.size()).f(lr).f(momentum)
                .f(weightDecay).i(nesterov ? 1 : 0).elements(param.size());
    }

    @Override
    protected synchronized void adamUpdateKernel(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1,
                                                 float beta2, float eps, float weightDecay, int step) {
        float correction1 = (float) (1 - Math.pow(beta1, step));
        float correction2 = (float) (1 - Math.pow(beta2, step));
        new Launch("adam_update").ptr(param).ptr(grad).ptr(m).ptr(v).i(param.size()).f(lr).f(beta1).f(beta2)
                .f(eps).f(weightDecay).f(correction1).f(correction2).elements(param.size());
    }

    @Override
    protected synchronized void maxNormColumnsKernel(Tensor weights, float maxNorm) {
        new Launch("max_norm_columns").ptr(weights).i(weights.rows()).i(weights.cols()).f(maxNorm)
                .elements(weights.cols());
    }

    // ------------------------------------------------------------------ reductions and elementwise

    @Override
    protected synchronized void argmaxRowsKernel(Tensor x, int[] out) {
        enter();
        int rows = x.rows();
        long bytes = (long) rows * Integer.BYTES;
        CUdeviceptr indices = pool.acquire(bytes);
        try {
            new Launch("argmax_rows").ptr(x).i(rows).i(x.cols()).ptr(indices).elements(rows);
            Cu.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
            Cu.check(cuMemcpyDtoH(Pointer.to(out), indices, bytes), "cuMemcpyDtoH(" + bytes + " bytes)");
        } finally {
            pool.release(indices, bytes);
        }
    }

    @Override
    protected synchronized void fillKernel(Tensor x, float value) {
        new Launch("fill").ptr(x).i(x.size()).f(value).elements(x.size());
    }

    @Override
    protected synchronized void copyKernel(Tensor src, Tensor dst) {
        enter();
        long bytes = (long) src.size() * Float.BYTES;
        Cu.check(cuMemcpyDtoDAsync(((CudaTensor) dst).ptr(), ((CudaTensor) src).ptr(), bytes, stream),
                "cuMemcpyDtoDAsync(" + bytes + " bytes)");
    }

    @Override
    protected synchronized void axpyKernel(float alpha, Tensor x, Tensor y) {
        new Launch("axpy").f(alpha).ptr(x).ptr(y).i(x.size()).elements(x.size());
    }

    @Override
    protected synchronized void scaleKernel(Tensor x, float s) {
        new Launch("scale").ptr(x).i(x.size()).f(s).elements(x.size());
    }

    @Override
    protected synchronized void mulKernel(Tensor a, Tensor b, Tensor out) {
        new Launch("mul").ptr(a).ptr(b).ptr(out).i(a.size()).elements(a.size());
    }

    @Override
    protected synchronized double sumSquaresKernel(Tensor x) {
        enter();
        int blocks = Math.min(blocks(x.size(), ELEMENT_BLOCK), SUM_SQUARES_BLOCKS);
        long bytes = (long) blocks * Float.BYTES;
        CUdeviceptr partials = pool.acquire(bytes);
        try {
            new Launch("sum_squares_partials").ptr(x).i(x.size()).ptr(partials).run(blocks, 1, ELEMENT_BLOCK, 1);
            float[] host = new float[blocks];
            Cu.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
            Cu.check(cuMemcpyDtoH(Pointer.to(host), partials, bytes), "cuMemcpyDtoH(" + bytes + " bytes)");
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
