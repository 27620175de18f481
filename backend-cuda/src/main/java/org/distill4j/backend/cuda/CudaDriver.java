package org.distill4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.nio.Buffer;
import java.util.ArrayList;
import java.util.List;

import org.distill4j.backend.device.DeviceDriver;
import org.distill4j.backend.device.Geometry;
import org.distill4j.backend.device.Grid;
import org.distill4j.backend.device.KernelArg;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * The CUDA driver API under {@link CudaBackend}: the device's primary context (shared with cuBLAS
 * and any other CUDA user in the process), one stream created blocking ({@code CU_STREAM_DEFAULT})
 * for launches, device copies and cuBLAS, and the synchronous {@code cuMemcpyHtoD}/{@code cuMemcpyDtoH}
 * on the legacy default stream, which is ordered with the blocking stream.
 */
final class CudaDriver implements DeviceDriver<CUdeviceptr> {
    private final CudaDevice device;
    private final CUcontext context;
    private final CUstream stream;
    private final Kernels kernels;
    /** cuBLAS, or {@code null} when gemm uses the tiled kernel. */
    final Cublas cublas;
    final String gemmDescription;

    /**
     * Retains {@code device}'s primary context, creates the stream, loads the kernels and, unless
     * {@code gemm} is {@code TILED}, cuBLAS ({@link Cublas#start}); releases what it made if a step fails.
     */
    CudaDriver(CudaDevice device, CudaBackend.GemmChoice gemm) {
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
            boolean tiled = gemm == CudaBackend.GemmChoice.TILED;
            List<String> why = new ArrayList<>(tiled ? List.of("option cuda.gemm=tiled") : List.of());
            blas = tiled ? null : Cublas.start(s, why);
            if (blas == null && gemm == CudaBackend.GemmChoice.CUBLAS) {
                throw new IllegalStateException("option cuda.gemm=cublas, but no cuBLAS binding starts: " + String.join("; ", why));
            }
            gemmText = "gemm: " + (blas != null ? blas.describe(why) : "built-in tiled kernel (" + String.join("; ", why) + ")");
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
    public void enter() {
        Cu.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    @Override
    public CUdeviceptr allocate(long bytes, boolean lastTry) {
        CUdeviceptr ptr = new CUdeviceptr();
        int result = cuMemAlloc(ptr, bytes);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY && !lastTry) {
            return null;
        }
        Cu.check(result, "cuMemAlloc(" + bytes + " bytes)");
        return ptr;
    }

    @Override
    public void free(CUdeviceptr block) {
        Cu.check(cuMemFree(block), "cuMemFree");
    }

    @Override
    public void copyIn(CUdeviceptr dst, float[] src, int offset, long bytes) {
        Cu.check(cuMemcpyHtoD(dst, Pointer.to(src).withByteOffset((long) offset * Float.BYTES), bytes),
                "cuMemcpyHtoD(" + bytes + " bytes)");
    }

    @Override
    public void copyOut(CUdeviceptr src, Buffer dst, long bytes) {
        synchronize();
        Cu.check(cuMemcpyDtoH(Pointer.to(dst), src, bytes), "cuMemcpyDtoH(" + bytes + " bytes)");
    }

    @Override
    public void copy(CUdeviceptr src, CUdeviceptr dst, long bytes) {
        Cu.check(cuMemcpyDtoDAsync(dst, src, bytes, stream), "cuMemcpyDtoDAsync(" + bytes + " bytes)");
    }

    @Override
    public void launch(String kernel, KernelArg[] args, Grid grid) {
        Pointer[] values = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            values[i] = switch (args[i]) {
                case KernelArg.Memory m -> Pointer.to((CUdeviceptr) m.block());
                case KernelArg.Int v -> Pointer.to(new int[]{v.value()});
                case KernelArg.Float32 v -> Pointer.to(new float[]{v.value()});
                case KernelArg.UInt64 v -> Pointer.to(new long[]{v.value()});
            };
        }
        Cu.check(cuLaunchKernel(kernels.function(kernel), grid.groupsX(), grid.groupsY(), 1, grid.localX(),
                grid.localY(), 1, 0, stream, Pointer.to(values), null), "cuLaunchKernel(" + kernel + ")");
    }

    @Override
    public void synchronize() {
        Cu.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /** Destroys cuBLAS, unloads the modules, destroys the stream and releases the context, then throws the first failure. */
    @Override
    public void close() {
        int blas = cublas == null ? 0 : cublas.destroy();
        int[] results = {kernels.unload(), cuStreamDestroy(stream), cuDevicePrimaryCtxRelease(device.handle())};
        Cublas.check(blas, "cublasDestroy");
        Cu.check(results[0], "cuModuleUnload");
        Cu.check(results[1], "cuStreamDestroy");
        Cu.check(results[2], "cuDevicePrimaryCtxRelease");
    }

    /** 256 threads per block; a row's block is its length rounded up to a warp, at most 256. */
    @Override
    public Geometry geometry() {
        return new Geometry(256, 256, 32, 256, 128);
    }

    @Override
    public boolean libraryGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, CUdeviceptr a,
                               CUdeviceptr b, float beta, CUdeviceptr c) {
        if (cublas != null) {
            cublas.rowMajorSgemm(transA, transB, m, n, k, alpha, a, b, beta, c);
        }
        return cublas != null;
    }
}
