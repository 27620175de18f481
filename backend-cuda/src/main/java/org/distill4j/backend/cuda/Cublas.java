package org.distill4j.backend.cuda;

import java.util.List;
import java.util.function.Function;

import org.distill4j.backend.device.DeviceBackendProvider.NativeFailure;
import org.distill4j.backend.device.Natives;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

/**
 * Single-precision gemm through cuBLAS on the backend's stream, by one of two bindings of the same
 * few calls: {@link JCublas} ({@code libcublas.so.12}) or {@link CublasFfm} ({@code libcublas.so.13},
 * JDK 22+). A binding that cannot load only means the next one, or the tiled kernel, is used.
 * Not thread-safe; the backend calls it under its lock.
 */
abstract class Cublas {
    private final String binding;
    private final String library;
    private String version;

    Cublas(String binding, String library) {
        this.binding = binding;
        this.library = library;
    }

    /** cuBLAS on {@code stream} through the first binding that starts, JCublas then FFM, else null; adds why not to {@code failures}. */
    static Cublas start(CUstream stream, List<String> failures) {
        for (Function<CUstream, Cublas> binding : List.<Function<CUstream, Cublas>>of(JCublas::open, CublasFfm::open)) {
            try {
                return binding.apply(stream);
            } catch (IllegalStateException e) {
                failures.add(e.getMessage());
            }
        }
        return null;
    }

    /** Creates the handle on {@code stream}; a failed step destroys it and throws an IllegalStateException naming the binding. */
    final Cublas start(CUstream stream) {
        int created = create();
        try {
            check(created, "cublasCreate");
            check(setStream(stream), "cublasSetStream");
            int[] v = new int[1];
            check(getVersion(v), "cublasGetVersion");
            version = v[0] / 10000 + "." + v[0] / 100 % 100 + "." + v[0] % 100;
            return this;
        } catch (CudaException e) {
            if (created == cublasStatus.CUBLAS_STATUS_SUCCESS) {
                destroy();
            }
            throw new IllegalStateException(binding + ": " + e.getMessage(), e);
        }
    }

    // The binding's calls, each returning its cublasStatus_t: cublasCreate (the handle the others use; a new handle's
    // math mode is CUBLAS_DEFAULT_MATH, plain float32 without TF32 rounding), cublasSetStream, cublasGetVersion into
    // version[0], cublasSgemm (column-major, alpha and beta in host memory), cublasDestroy.
    abstract int create();
    abstract int setStream(CUstream stream);
    abstract int getVersion(int[] version);
    abstract int sgemm(int opA, int opB, int m, int n, int k, float alpha, CUdeviceptr a, int lda, CUdeviceptr b, int ldb,
                       float beta, CUdeviceptr c, int ldc);
    abstract int destroy();

    /** For example {@code cuBLAS 13.0.2 (FFM, libcublas.so.13; JCublas: libcublas.so.12 not found)}, {@code others} the last part. */
    final String describe(List<String> others) {
        return "cuBLAS " + version + " (" + binding + ", " + library + (others.isEmpty() ? "" : "; " + String.join("; ", others))
                + ")";
    }

    /**
     * Row-major {@code C = alpha op(A) op(B) + beta C} with cuBLAS's column-major sgemm: a row-major
     * matrix read column-major is its transpose, so it computes {@code C^T = alpha op(B)^T op(A)^T + beta C^T},
     * passing B before A with {@code n} and {@code m} swapped. The leading dimensions are the stored
     * row lengths: {@code n} or {@code k} for B, {@code k} or {@code m} for A, {@code n} for C.
     * cuBLAS does not read C when {@code beta == 0}.
     */
    final void rowMajorSgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, CUdeviceptr a,
                             CUdeviceptr b, float beta, CUdeviceptr c) {
        check(sgemm(transB ? 1 : 0, transA ? 1 : 0, n, m, k, alpha, b, transB ? k : n, a, transA ? m : k, beta, c, n),
                "cublasSgemm");
    }

    static void check(int status, String call) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call, cublasStatus.stringFor(status), status, null);
        }
    }

    /** The calls through JCublas2, which links {@code libcublas.so.12}; only this class touches JCublas2. */
    static final class JCublas extends Cublas {
        static final String LIBRARY = "libcublas.so.12";
        private static final NativeFailure FAILURE = new NativeFailure(e -> "JCublas: " + Natives.describe(e));

        private final cublasHandle handle = new cublasHandle();

        private JCublas() {
            super("JCublas", LIBRARY);
        }

        /** Loads JCublas2's natives on the first call; throws an {@link IllegalStateException} saying why they do not load. */
        static Cublas open(CUstream stream) {
            try {
                JCublas2.initialize();
            } catch (LinkageError e) {
                throw new IllegalStateException(FAILURE.of(e), e);
            }
            return new JCublas().start(stream);
        }

        @Override
        int create() {
            return JCublas2.cublasCreate(handle);
        }

        @Override
        int setStream(CUstream stream) {
            return JCublas2.cublasSetStream(handle, new cudaStream_t(stream));
        }

        @Override
        int getVersion(int[] version) {
            return JCublas2.cublasGetVersion(handle, version);
        }

        @Override
        int sgemm(int opA, int opB, int m, int n, int k, float alpha, CUdeviceptr a, int lda, CUdeviceptr b, int ldb,
                  float beta, CUdeviceptr c, int ldc) {
            return JCublas2.cublasSgemm(handle, opA, opB, m, n, k, Pointer.to(new float[]{alpha}), a, lda, b, ldb,
                    Pointer.to(new float[]{beta}), c, ldc);
        }

        @Override
        int destroy() {
            return JCublas2.cublasDestroy(handle);
        }
    }
}
