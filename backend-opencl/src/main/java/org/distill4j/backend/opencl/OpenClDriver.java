package org.distill4j.backend.opencl;

import static org.jocl.CL.CL_CONTEXT_PLATFORM;
import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_MEM_OBJECT_ALLOCATION_FAILURE;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_OUT_OF_RESOURCES;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.CL_SUCCESS;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.distill4j.backend.device.BuiltInGemm;
import org.distill4j.backend.device.DeviceDriver;
import org.distill4j.backend.device.Geometry;
import org.distill4j.backend.device.Grid;
import org.distill4j.backend.device.KernelArg;
import org.distill4j.backend.device.KernelSources;
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
 * OpenCL under {@link OpenClBackend}: one context, one in-order command queue, and one program
 * built from the shared kernel sources ({@link KernelSources}) after the OpenCL dialect header
 * {@code dialect.cl} of this package, whose kernel objects are created once each.
 */
final class OpenClDriver implements DeviceDriver<cl_mem> {
    /** The OpenCL meaning of the kernel sources' macros. */
    private static final String DIALECT = "dialect.cl";

    final ClDevice device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_program program;
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private final int elementGroup;
    private final int rowGroup;
    boolean tiledGemm;

    @SuppressWarnings("deprecation")
    OpenClDriver(ClDevice device) {
        this.device = device;
        int maxGroup = (int) Math.min(256, device.maxWorkGroupSize());
        this.elementGroup = Integer.highestOneBit(Math.max(1, maxGroup));
        this.rowGroup = Math.min(128, elementGroup);

        int[] code = new int[1];
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL_CONTEXT_PLATFORM, device.platform());
        this.context = CL.clCreateContext(properties, 1, new cl_device_id[]{device.id()}, null, null, code);
        Cl.check(code[0], "clCreateContext");
        try {
            // clCreateCommandQueue (OpenCL 1.x) rather than ...WithProperties (2.0) so 1.2 drivers work.
            this.queue = CL.clCreateCommandQueue(context, device.id(), 0, code);
            Cl.check(code[0], "clCreateCommandQueue");
            // The largest group launched is elementGroup (rowGroup and the reduce_sum group are no larger).
            this.program = buildProgram(context, device.id(), "-DMAX_GROUP=" + elementGroup);
            // The tiled kernel needs 16 x 16 work-items per group; a device that cannot run that many uses the reference.
            this.tiledGemm = kernelWorkGroupSize("gemm_tiled") >= 16 * 16;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static cl_program buildProgram(cl_context context, cl_device_id device, String options) {
        int[] code = new int[1];
        cl_program program = CL.clCreateProgramWithSource(context, 1, new String[]{programSource()}, null, code);
        Cl.check(code[0], "clCreateProgramWithSource");
        int built = CL.clBuildProgram(program, 1, new cl_device_id[]{device}, options, null, null);
        if (built != CL_SUCCESS) {
            String log = buildLog(program, device);
            CL.clReleaseProgram(program);
            throw new OpenClException("clBuildProgram", built, "build log:\n" + log);
        }
        return program;
    }

    /** The program's source: the dialect header, then the shared kernel sources. */
    static String programSource() {
        try (InputStream in = OpenClDriver.class.getResourceAsStream(DIALECT)) {
            if (in == null) {
                throw new IllegalStateException("kernel dialect header " + DIALECT + " is missing from the class path");
            }
            return KernelSources.program("// ---- " + DIALECT + "\n" + new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel dialect header " + DIALECT, e);
        }
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

    @Override
    public cl_mem allocate(long bytes, boolean lastTry) {
        int[] code = new int[1];
        cl_mem mem = CL.clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, code);
        if ((code[0] == CL_MEM_OBJECT_ALLOCATION_FAILURE || code[0] == CL_OUT_OF_RESOURCES) && !lastTry) {
            return null;
        }
        Cl.check(code[0], "clCreateBuffer(" + bytes + " bytes)");
        return mem;
    }

    @Override
    public void free(cl_mem block) {
        CL.clReleaseMemObject(block);
    }

    @Override
    public void copyIn(cl_mem dst, float[] src, int offset, long bytes) {
        Cl.check(CL.clEnqueueWriteBuffer(queue, dst, true, 0, bytes,
                Pointer.to(src).withByteOffset((long) offset * Float.BYTES), 0, null, null), "clEnqueueWriteBuffer");
    }

    @Override
    public void copyOut(cl_mem src, Buffer dst, long bytes) {
        Cl.check(CL.clEnqueueReadBuffer(queue, src, true, 0, bytes, Pointer.to(dst), 0, null, null),
                "clEnqueueReadBuffer");
    }

    @Override
    public void copy(cl_mem src, cl_mem dst, long bytes) {
        Cl.check(CL.clEnqueueCopyBuffer(queue, src, dst, 0, 0, bytes, 0, null, null), "clEnqueueCopyBuffer");
    }

    @Override
    public void launch(String name, KernelArg[] args, Grid grid) {
        cl_kernel kernel = kernel(name);
        for (int i = 0; i < args.length; i++) {
            int code = switch (args[i]) {
                case KernelArg.Memory m -> CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to((cl_mem) m.block()));
                case KernelArg.Int v -> CL.clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[]{v.value()}));
                case KernelArg.Float32 v ->
                        CL.clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[]{v.value()}));
                case KernelArg.UInt64 v ->
                        CL.clSetKernelArg(kernel, i, Sizeof.cl_ulong, Pointer.to(new long[]{v.value()}));
            };
            Cl.check(code, "clSetKernelArg(" + name + ", " + i + ")");
        }
        long[] local = {grid.localX(), grid.localY()};
        long[] global = {(long) grid.groupsX() * grid.localX(), (long) grid.groupsY() * grid.localY()};
        Cl.check(CL.clEnqueueNDRangeKernel(queue, kernel, grid.dimensions(), null, global, local, 0, null, null),
                "clEnqueueNDRangeKernel(" + name + ")");
    }

    @Override
    public void synchronize() {
        Cl.check(CL.clFinish(queue), "clFinish");
    }

    /** Releases every kernel, the program, queue and context (those made, when a constructor step failed). */
    @Override
    public void close() {
        kernels.values().forEach(CL::clReleaseKernel);
        kernels.clear();
        if (program != null) {
            CL.clReleaseProgram(program);
        }
        if (queue != null) {
            CL.clReleaseCommandQueue(queue);
        }
        CL.clReleaseContext(context);
    }

    /** Every row group has rowGroup items; sum_squares_partials writes one partial per group. */
    @Override
    public Geometry geometry() {
        return new Geometry(elementGroup, rowGroup, 0, rowGroup, 64);
    }

    @Override
    public BuiltInGemm builtInGemm() {
        return tiledGemm ? BuiltInGemm.TILED : BuiltInGemm.REFERENCE;
    }
}
