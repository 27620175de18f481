package org.distill4j.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

/**
 * Single-precision gemm through cuBLAS (JCublas2, which needs {@code libcublas.so.12}), on the
 * backend's stream. Only this class touches JCublas2, so a missing cuBLAS only means the backend
 * uses its own tiled kernel. Not thread-safe; the backend calls it under its lock.
 */
final class Cublas {
    /** The library JCublas 12.6 links against. */
    static final String LIBRARY = "libcublas.so.12";

    /** Why JCublas2 could not load, remembered because a failed class initialisation is reported in full only once. */
    private static volatile String loadFailure;

    private final cublasHandle handle;
    private final String version;
    private boolean closed;

    private Cublas(cublasHandle handle, String version) {
        this.handle = handle;
        this.version = version;
    }

    /** {@code null} when the cuBLAS natives load, else why not; loads them on the first call. */
    static String loadFailure() {
        String known = loadFailure;
        if (known != null) {
            return known;
        }
        try {
            JCublas2.initialize();
            return null;
        } catch (LinkageError e) {
            loadFailure = "cuBLAS (" + LIBRARY + ") not loadable: gemm uses the built-in tiled kernel ("
                    + Natives.describe(e) + ")";
            return loadFailure;
        }
    }

    /** A handle on {@code stream} in the current context; {@link #loadFailure()} must have returned {@code null}. */
    static Cublas create(CUstream stream) {
        cublasHandle handle = new cublasHandle();
        check(JCublas2.cublasCreate(handle), "cublasCreate");
        try {
            check(JCublas2.cublasSetStream(handle, new cudaStream_t(stream)), "cublasSetStream");
            // Plain float32 arithmetic: no TF32 tensor-core rounding of the inputs.
            check(JCublas2.cublasSetMathMode(handle, cublasMath.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
            int[] v = new int[1];
            check(JCublas2.cublasGetVersion(handle, v), "cublasGetVersion");
            return new Cublas(handle, v[0] / 10000 + "." + v[0] / 100 % 100 + "." + v[0] % 100);
        } catch (RuntimeException e) {
            JCublas2.cublasDestroy(handle);
            throw e;
        }
    }

    /** The library version, e.g. {@code 12.6.4}. */
    String version() {
        return version;
    }

    /**
     * Row-major {@code C = alpha op(A) op(B) + beta C} with cuBLAS's column-major sgemm: a row-major
     * matrix read column-major is its transpose, so it computes {@code C^T = alpha op(B)^T op(A)^T + beta C^T},
     * passing B before A with {@code n} and {@code m} swapped. The leading dimensions are the stored
     * row lengths: {@code n} or {@code k} for B, {@code k} or {@code m} for A, {@code n} for C.
     * cuBLAS does not read C when {@code beta == 0}.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, CUdeviceptr a, CUdeviceptr b,
               float beta, CUdeviceptr c) {
        check(JCublas2.cublasSgemm(handle,
                transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                n, m, k, Pointer.to(new float[]{alpha}), b, transB ? k : n, a, transA ? m : k,
                Pointer.to(new float[]{beta}), c, n), "cublasSgemm");
    }

    /** Destroys the handle; returns the status. */
    int close() {
        if (closed) {
            return cublasStatus.CUBLAS_STATUS_SUCCESS;
        }
        closed = true;
        return JCublas2.cublasDestroy(handle);
    }

    static void check(int status, String call) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call, cublasStatus.stringFor(status), status, null);
        }
    }
}
