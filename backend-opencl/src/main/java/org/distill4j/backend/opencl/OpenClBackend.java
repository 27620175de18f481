package org.distill4j.backend.opencl;

import static org.jocl.CL.CL_CONTEXT_PLATFORM;
import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.CL_SUCCESS;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * Runs every op as an OpenCL C kernel (sources in the {@code .cl} resources of this package) on
 * one device, through one context and one in-order command queue.
 *
 * <p>Ops are enqueued and return at once; reading a tensor, {@link #argmaxRows}, {@link #sumSquares}
 * and {@link #synchronize()} wait for the queue. The program is built once per backend instance
 * and each kernel object is created once. Tensor memory comes from a pool owned by the instance
 * and is freed by {@link #close()}.
 *
 * <p><b>Threads</b>: kernel objects carry their arguments, so every op, tensor transfer and
 * allocation holds this instance's lock; ops may be called from several threads and run one at a
 * time ({@link #threadSafe()} is true).
 */
public final class OpenClBackend extends Backend {
    /** The kernel sources, concatenated in this order into one program. */
    private static final String[] SOURCES = {"common.cl", "elementwise.cl", "gemm.cl", "softmax.cl", "optim.cl"};
    private static final int TILED_GEMM_TILE = 64;
    private static final int TILED_GEMM_GROUP = 16;
    private static final int REFERENCE_GEMM_GROUP = 8;
    /** Work-items producing sum-of-squares partials, per element group. */
    private static final int SUM_SQUARES_GROUPS = 64;

    private final ClDevice device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_program program;
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private final BufferPool pool;
    /** Work-group size of the element-wise kernels. */
    private final int elementGroup;
    /** Work-group size of the one-group-per-row kernels (ROW_GROUP in the sources). */
    private final int rowGroup;
    private boolean tiledGemm;
    private boolean closed;

    OpenClBackend(ClDevice device) {
        this.device = device;
        int maxGroup = (int) Math.min(256, device.maxWorkGroupSize());
        this.elementGroup = Integer.highestOneBit(Math.max(1, maxGroup));
        this.rowGroup = Math.min(128, elementGroup);

        int[] code = new int[1];
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL_CONTEXT_PLATFORM, device.platform());
        this.context = CL.clCreateContext(properties, 1, new cl_device_id[]{device.id()}, null, null, code);
        Cl.check(code[0], "clCreateContext");
        cl_command_queue q = null;
        try {
            q = createQueue(context, device.id());
            this.queue = q;
            this.program = buildProgram(context, device.id(), "-DROW_GROUP=" + rowGroup);
        } catch (RuntimeException e) {
            if (q != null) {
                CL.clReleaseCommandQueue(q);
            }
            CL.clReleaseContext(context);
            throw e;
        }
        this.pool = new BufferPool(context);
        try {
            // The tiled kernel needs 16 x 16 work-items per group; a device that cannot run that many uses the reference.
            this.tiledGemm = kernelWorkGroupSize("gemm_tiled") >= TILED_GEMM_GROUP * TILED_GEMM_GROUP;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @SuppressWarnings("deprecation")
    private static cl_command_queue createQueue(cl_context context, cl_device_id device) {
        int[] code = new int[1];
        // clCreateCommandQueue (OpenCL 1.x) rather than ...WithProperties (2.0) so 1.2 drivers work.
        cl_command_queue queue = CL.clCreateCommandQueue(context, device, 0, code);
        Cl.check(code[0], "clCreateCommandQueue");
        return queue;
    }

    private static cl_program buildProgram(cl_context context, cl_device_id device, String options) {
        int[] code = new int[1];
        cl_program program = CL.clCreateProgramWithSource(context, 1, new String[]{programSource()}, null, code);
        Cl.check(code[0], "clCreateProgramWithSource");
        int built = CL.clBuildProgram(program, 1, new cl_device_id[]{device}, options, null, null);
        if (built != CL_SUCCESS) {
            String log = buildLog(program, device);
            CL.clReleaseProgram(program);
            throw new OpenClException("clBuildProgram failed: " + CL.stringFor_errorCode(built) + " (" + built
                    + ")\n" + log, built);
        }
        return program;
    }

    /** The kernel sources of this package, concatenated. */
    static String programSource() {
        StringBuilder sb = new StringBuilder();
        for (String name : SOURCES) {
            try (InputStream in = OpenClBackend.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("kernel source " + name + " is missing from the class path");
                }
                sb.append("// ---- ").append(name).append('\n')
                        .append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kernel source " + name, e);
            }
        }
        return sb.toString();
    }

    private static String buildLog(cl_program program, cl_device_id device) {
        long[] size = new long[1];
        if (CL.clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, null, size) != CL_SUCCESS) {
            return "(no build log)";
        }
        byte[] log = new byte[(int) size[0]];
        CL.clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).trim();
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String describe() {
        return "OpenCL " + device.summary() + " on " + device.platformName() + ", "
                + (tiledGemm ? "tiled 64x64 gemm" : "reference gemm");
    }

    /** Every op holds the instance lock; see the class comment. */
    @Override
    public boolean threadSafe() {
        return true;
    }

    /** The device's name as the driver reports it. */
    public String deviceName() {
        return device.name();
    }

    /** Whether gemm uses the tiled kernel (the default) or the one-element-per-item reference kernel. */
    synchronized boolean tiledGemm() {
        return tiledGemm;
    }

    /** Switches gemm to the reference kernel (for tests comparing the two) or back. */
    synchronized void useTiledGemm(boolean tiled) {
        this.tiledGemm = tiled;
    }

    // ------------------------------------------------------------------ memory

    @Override
    protected synchronized Tensor allocate(int[] shape) {
        ensureOpen();
        long bytes = (long) Tensor.checkedSize(shape) * Float.BYTES;
        return new OpenClTensor(this, shape, pool.acquire(bytes));
    }

    synchronized void write(OpenClTensor t, float[] src, int offset) {
        ensureOpen();
        Cl.check(CL.clEnqueueWriteBuffer(queue, t.mem(), true, 0, t.bytes(),
                Pointer.to(src).withByteOffset((long) offset * Float.BYTES), 0, null, null), "clEnqueueWriteBuffer");
    }

    synchronized void read(OpenClTensor t, float[] dst) {
        ensureOpen();
        Cl.check(CL.clEnqueueReadBuffer(queue, t.mem(), true, 0, t.bytes(), Pointer.to(dst), 0, null, null),
                "clEnqueueReadBuffer");
    }

    synchronized void releaseBuffer(cl_mem mem, long bytes) {
        if (!closed) {
            pool.release(mem, bytes);
        }
    }

    /** Bytes of released buffers waiting in the pool. */
    synchronized long pooledBytes() {
        return pool.freeBytes();
    }

    /** Device buffers allocated and not yet freed (held by tensors or pooled). */
    synchronized int allocatedBuffers() {
        return pool.allocated();
    }

    @Override
    public synchronized void synchronize() {
        ensureOpen();
        Cl.check(CL.clFinish(queue), "clFinish");
    }

    /** Waits for the queue, then frees every buffer, kernel, the program, queue and context. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        int finished = CL.clFinish(queue);
        pool.close();
        kernels.values().forEach(CL::clReleaseKernel);
        kernels.clear();
        CL.clReleaseProgram(program);
        CL.clReleaseCommandQueue(queue);
        CL.clReleaseContext(context);
        Cl.check(finished, "clFinish");
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the OpenCL backend on " + device.name() + " is closed");
        }
    }

    // ------------------------------------------------------------------ kernel launching

    private cl_kernel kernel(String name) {
        cl_kernel kernel = kernels.get(name);
        if (kernel == null) {
            int[] code = new int[1];
            kernel = CL.clCreateKernel(program, name, code);
            Cl.check(code[0], "clCreateKernel(" + name + ")");
            kernels.put(name, kernel);
        }
        return kernel;
    }

    private long kernelWorkGroupSize(String name) {
        long[] size = new long[1];
        Cl.check(CL.clGetKernelWorkGroupInfo(kernel(name), device.id(), CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t,
                Pointer.to(size), null), "clGetKernelWorkGroupInfo(" + name + ")");
        return size[0];
    }

    /** Sets a kernel's arguments in order, then enqueues it. */
    private final class Launch {
        private final String name;
        private final cl_kernel kernel;
        private int index;

        Launch(String name) {
            ensureOpen();
            this.name = name;
            this.kernel = kernel(name);
        }

        Launch mem(Tensor t) {
            return mem(((OpenClTensor) t).mem());
        }

        Launch mem(cl_mem m) {
            return arg(Sizeof.cl_mem, Pointer.to(m));
        }

        Launch i(int v) {
            return arg(Sizeof.cl_int, Pointer.to(new int[]{v}));
        }

        Launch f(float v) {
            return arg(Sizeof.cl_float, Pointer.to(new float[]{v}));
        }

        Launch ul(long v) {
            return arg(Sizeof.cl_ulong, Pointer.to(new long[]{v}));
        }

        private Launch arg(long size, Pointer value) {
            Cl.check(CL.clSetKernelArg(kernel, index, size, value), "clSetKernelArg(" + name + ", " + index + ")");
            index++;
            return this;
        }

        /** One work-item per element, {@code n} rounded up to the element group. */
        void elements(long n) {
            run(new long[]{roundUp(n, elementGroup)}, new long[]{elementGroup});
        }

        /** One work-group of {@code rowGroup} items per row. */
        void rows(int rows) {
            run(new long[]{(long) rows * rowGroup}, new long[]{rowGroup});
        }

        void run(long[] global, long[] local) {
            Cl.check(CL.clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null),
                    "clEnqueueNDRangeKernel(" + name + ")");
        }
    }

    private static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    /** {@code out[0] = scale * sum(partials[0..count))}, as one work-group. */
    private void reduceSum(cl_mem partials, int count, float scale, Tensor out) {
        new Launch("reduce_sum").mem(partials).i(count).f(scale).mem(out).run(new long[]{rowGroup}, new long[]{rowGroup});
    }

    // ------------------------------------------------------------------ linear algebra

    @Override
    protected synchronized void gemmKernel(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                           Tensor a, Tensor b, float beta, Tensor c) {
        Launch launch = new Launch(tiledGemm ? "gemm_tiled" : "gemm_reference")
                .i(transA ? 1 : 0).i(transB ? 1 : 0).i(m).i(n).i(k).f(alpha).mem(a).mem(b).f(beta).mem(c);
        if (tiledGemm) {
            long groupsX = roundUp(n, TILED_GEMM_TILE) / TILED_GEMM_TILE;
            long groupsY = roundUp(m, TILED_GEMM_TILE) / TILED_GEMM_TILE;
            launch.run(new long[]{groupsX * TILED_GEMM_GROUP, groupsY * TILED_GEMM_GROUP},
                    new long[]{TILED_GEMM_GROUP, TILED_GEMM_GROUP});
        } else {
            launch.run(new long[]{roundUp(n, REFERENCE_GEMM_GROUP), roundUp(m, REFERENCE_GEMM_GROUP)},
                    new long[]{REFERENCE_GEMM_GROUP, REFERENCE_GEMM_GROUP});
        }
    }

    @Override
    protected synchronized void addRowBiasKernel(Tensor x, Tensor bias) {
        new Launch("add_row_bias").mem(x).mem(bias).i(x.size()).i(x.cols()).elements(x.size());
    }

    @Override
    protected synchronized void sumRowsKernel(Tensor x, Tensor out) {
        new Launch("sum_rows").mem(x).mem(out).i(x.rows()).i(x.cols()).elements(x.cols());
    }

    // ------------------------------------------------------------------ activations

    @Override
    protected synchronized void reluKernel(Tensor x, Tensor out) {
        new Launch("relu").mem(x).mem(out).i(x.size()).elements(x.size());
    }

    @Override
    protected synchronized void reluBackwardKernel(Tensor gradOut, Tensor x, Tensor gradIn) {
        new Launch("relu_backward").mem(gradOut).mem(x).mem(gradIn).i(x.size()).elements(x.size());
    }

    @Override
    protected synchronized void dropoutKernel(Tensor x, Tensor mask, Tensor out, float p, long seed) {
        float keepScale = 1f / (1f - p);
        new Launch("dropout").mem(x).mem(mask).mem(out).i(x.size()).f(p).f(keepScale).ul(seed).elements(x.size());
    }

    // ------------------------------------------------------------------ softmax family

    @Override
    protected synchronized void softmaxKernel(Tensor logits, float temperature, Tensor out) {
        new Launch("softmax").mem(logits).mem(out).i(logits.cols()).f(temperature).rows(logits.rows());
    }

    @Override
    protected synchronized void logSoftmaxKernel(Tensor logits, float temperature, Tensor out) {
        new Launch("log_softmax").mem(logits).mem(out).i(logits.cols()).f(temperature).rows(logits.rows());
    }

    // ------------------------------------------------------------------ losses

    @Override
    protected synchronized void crossEntropyKernel(Tensor logits, Tensor labels, float weight, Tensor grad,
                                                   Tensor loss) {
        int rows = logits.rows();
        rowLoss(rows, partials -> new Launch("cross_entropy_rows").mem(logits).mem(labels).mem(grad).mem(partials)
                .i(logits.cols()).f(weight / rows).rows(rows), 1f / rows, loss);
    }

    @Override
    protected synchronized void softTargetLossKernel(Tensor studentLogits, Tensor teacherLogits, float temperature,
                                                     float weight, Tensor grad, Tensor loss) {
        int rows = studentLogits.rows();
        rowLoss(rows, partials -> new Launch("soft_target_rows").mem(studentLogits).mem(teacherLogits).mem(grad)
                        .mem(partials).i(studentLogits.cols()).f(temperature).f(weight * temperature / rows).rows(rows),
                temperature * temperature / rows, loss);
    }

    @Override
    protected synchronized void mseLossKernel(Tensor a, Tensor b, float weight, Tensor grad, Tensor loss) {
        int rows = a.rows();
        rowLoss(rows, partials -> new Launch("mse_rows").mem(a).mem(b).mem(grad).mem(partials).i(a.cols())
                .f(weight / rows).rows(rows), 0.5f / rows, loss);
    }

    /** Runs a loss kernel that writes one partial per row into a pooled buffer, then {@code loss = scale * sum}. */
    private void rowLoss(int rows, Consumer<cl_mem> rowKernel, float scale, Tensor loss) {
        long bytes = (long) rows * Float.BYTES;
        cl_mem partials = pool.acquire(bytes);
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
        new Launch("sgd_update").mem(param).mem(grad).mem(velocity).i(param.size()).f(lr).f(momentum)
                .f(weightDecay).i(nesterov ? 1 : 0).elements(param.size());
    }

    @Override
    protected synchronized void adamUpdateKernel(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1,
                                                 float beta2, float eps, float weightDecay, int step) {
        float correction1 = (float) (1 - Math.pow(beta1, step));
        float correction2 = (float) (1 - Math.pow(beta2, step));
        new Launch("adam_update").mem(param).mem(grad).mem(m).mem(v).i(param.size()).f(lr).f(beta1).f(beta2)
                .f(eps).f(weightDecay).f(correction1).f(correction2).elements(param.size());
    }

    @Override
    protected synchronized void maxNormColumnsKernel(Tensor weights, float maxNorm) {
        new Launch("max_norm_columns").mem(weights).i(weights.rows()).i(weights.cols()).f(maxNorm)
                .elements(weights.cols());
    }

    // ------------------------------------------------------------------ reductions and elementwise

    @Override
    protected synchronized void argmaxRowsKernel(Tensor x, int[] out) {
        int rows = x.rows();
        long bytes = (long) rows * Integer.BYTES;
        cl_mem indices = pool.acquire(bytes);
        try {
            new Launch("argmax_rows").mem(x).i(rows).i(x.cols()).mem(indices).elements(rows);
            Cl.check(CL.clEnqueueReadBuffer(queue, indices, true, 0, bytes, Pointer.to(out), 0, null, null),
                    "clEnqueueReadBuffer");
        } finally {
            pool.release(indices, bytes);
        }
    }

    @Override
    protected synchronized void fillKernel(Tensor x, float value) {
        new Launch("fill").mem(x).i(x.size()).f(value).elements(x.size());
    }

    @Override
    protected synchronized void copyKernel(Tensor src, Tensor dst) {
        ensureOpen();
        Cl.check(CL.clEnqueueCopyBuffer(queue, ((OpenClTensor) src).mem(), ((OpenClTensor) dst).mem(), 0, 0,
                (long) src.size() * Float.BYTES, 0, null, null), "clEnqueueCopyBuffer");
    }

    @Override
    protected synchronized void axpyKernel(float alpha, Tensor x, Tensor y) {
        new Launch("axpy").f(alpha).mem(x).mem(y).i(x.size()).elements(x.size());
    }

    @Override
    protected synchronized void scaleKernel(Tensor x, float s) {
        new Launch("scale").mem(x).i(x.size()).f(s).elements(x.size());
    }

    @Override
    protected synchronized void mulKernel(Tensor a, Tensor b, Tensor out) {
        new Launch("mul").mem(a).mem(b).mem(out).i(a.size()).elements(a.size());
    }

    @Override
    protected synchronized double sumSquaresKernel(Tensor x) {
        int items = (int) Math.min(roundUp(x.size(), elementGroup), (long) SUM_SQUARES_GROUPS * elementGroup);
        long bytes = (long) items * Float.BYTES;
        cl_mem partials = pool.acquire(bytes);
        try {
            new Launch("sum_squares_partials").mem(x).i(x.size()).mem(partials)
                    .run(new long[]{items}, new long[]{elementGroup});
            float[] host = new float[items];
            Cl.check(CL.clEnqueueReadBuffer(queue, partials, true, 0, bytes, Pointer.to(host), 0, null, null),
                    "clEnqueueReadBuffer");
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
