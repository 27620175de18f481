/**
 * The CUDA backend (JCuda's driver API; cuBLAS through JCublas or, on JDK 22+, the FFM binding of libcublas.so.13):
 * {@link org.distill4j.backend.cuda.CudaBackendProvider} (name {@code cuda}) makes a {@link org.distill4j.backend.cuda.CudaBackend}
 * whose ops are the shared kernel sources of backend-device compiled as CUDA C (dialect {@code src/main/cuda/dialect.cuh}),
 * shipped as PTX resources. Registered as a service since it passed the conformance suite on an NVIDIA H200 (see
 * {@code gpu/README.md}, which is also how to repeat that check).
 */
package org.distill4j.backend.cuda;
