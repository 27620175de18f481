// A fake libcublas.so.12, and built with -DFAKE_CUBLAS_VERSION=130000 a fake libcublas.so.13, for testing the CUDA backend's cuBLAS path without a GPU: the handful of
// cuBLAS calls the backend makes, with cublasSgemm computed on the CPU exactly as cuBLAS defines it
// (column-major, op(A) m x k, op(B) k x n, leading dimensions checked, C not read when beta == 0).
// Device pointers of the fake libcuda.so.1 are host addresses, so it reads them directly. Its
// symbols carry the version libcublas.so.12 (libcublas.map), as JCublas2's native library requires,
// or libcublas.so.13 (libcublas13.map), as real cuBLAS 13's do.
#include <cstdio>
#include <cstdlib>

#ifndef FAKE_CUBLAS_VERSION
#define FAKE_CUBLAS_VERSION 120604
#endif
#define EXPORT extern "C" __attribute__((visibility("default")))

typedef int cublasStatus_t;
enum : cublasStatus_t {
    CUBLAS_STATUS_SUCCESS = 0,
    CUBLAS_STATUS_NOT_INITIALIZED = 1,
    CUBLAS_STATUS_INVALID_VALUE = 7,
};
enum { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1 };

struct Handle {
    void* stream = nullptr;
    int mathMode = 0;
    int pointerMode = 0;  // CUBLAS_POINTER_MODE_HOST
};
typedef Handle* cublasHandle_t;

static cublasStatus_t invalid(const char* call, const char* why) {
    std::fprintf(stderr, "[fake libcublas] %s: %s\n", call, why);
    std::fflush(stderr);
    return CUBLAS_STATUS_INVALID_VALUE;
}

// FAKE_CUBLAS_CREATE_STATUS=N makes cublasCreate fail with status N.
EXPORT cublasStatus_t cublasCreate_v2(cublasHandle_t* handle) {
    if (const char* status = std::getenv("FAKE_CUBLAS_CREATE_STATUS")) {
        return std::atoi(status);
    }
    *handle = new Handle();
    return CUBLAS_STATUS_SUCCESS;
}

EXPORT cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) {
    if (handle == nullptr) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    delete handle;
    return CUBLAS_STATUS_SUCCESS;
}

EXPORT cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int* version) {
    (void) handle;
    *version = FAKE_CUBLAS_VERSION;
    return CUBLAS_STATUS_SUCCESS;
}

EXPORT cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, void* stream) {
    handle->stream = stream;
    return CUBLAS_STATUS_SUCCESS;
}

EXPORT cublasStatus_t cublasSetMathMode(cublasHandle_t handle, int mode) {
    handle->mathMode = mode;
    return CUBLAS_STATUS_SUCCESS;
}

EXPORT cublasStatus_t cublasGetPointerMode_v2(cublasHandle_t handle, int* mode) {
    *mode = handle->pointerMode;
    return CUBLAS_STATUS_SUCCESS;
}

EXPORT cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, int mode) {
    handle->pointerMode = mode;
    return CUBLAS_STATUS_SUCCESS;
}

// C = alpha op(A) op(B) + beta C, column-major: X(r, c) is x[r + c * ldx].
EXPORT cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, int transa, int transb, int m, int n, int k,
                                     const float* alpha, const float* a, int lda, const float* b, int ldb,
                                     const float* beta, float* c, int ldc) {
    if (handle == nullptr) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    if (handle->pointerMode != 0) {
        return invalid("cublasSgemm", "only the host pointer mode is faked");
    }
    if ((transa != CUBLAS_OP_N && transa != CUBLAS_OP_T) || (transb != CUBLAS_OP_N && transb != CUBLAS_OP_T)) {
        return invalid("cublasSgemm", "transa/transb must be CUBLAS_OP_N or CUBLAS_OP_T");
    }
    if (m < 0 || n < 0 || k < 0) {
        return invalid("cublasSgemm", "negative m, n or k");
    }
    int needA = transa == CUBLAS_OP_N ? m : k;
    int needB = transb == CUBLAS_OP_N ? k : n;
    if (lda < (needA > 1 ? needA : 1) || ldb < (needB > 1 ? needB : 1) || ldc < (m > 1 ? m : 1)) {
        char why[160];
        std::snprintf(why, sizeof why, "leading dimension too small: m=%d n=%d k=%d lda=%d ldb=%d ldc=%d", m, n, k, lda, ldb,
                      ldc);
        return invalid("cublasSgemm", why);
    }
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            float acc = 0.0f;
            for (int p = 0; p < k; p++) {
                float av = transa == CUBLAS_OP_N ? a[i + (long) p * lda] : a[p + (long) i * lda];
                float bv = transb == CUBLAS_OP_N ? b[p + (long) j * ldb] : b[j + (long) p * ldb];
                acc += av * bv;
            }
            float& out = c[i + (long) j * ldc];
            out = *beta == 0.0f ? *alpha * acc : *alpha * acc + *beta * out;
        }
    }
    return CUBLAS_STATUS_SUCCESS;
}
