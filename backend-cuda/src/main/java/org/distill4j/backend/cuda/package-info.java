/**
 * The CUDA backend (JCuda's driver API, and cuBLAS through JCublas when it loads):
 * {@link org.distill4j.backend.cuda.CudaBackendProvider} (name {@code cuda}) makes a
 * {@link org.distill4j.backend.cuda.CudaBackend} whose ops are the CUDA C kernels of
 * {@code src/main/cuda}, shipped as PTX resources. Until it passes the conformance suite on a GPU it
 * registers no {@link org.distill4j.backend.BackendProvider} service; see {@code gpu/README.md}.
 */
package org.distill4j.backend.cuda;
