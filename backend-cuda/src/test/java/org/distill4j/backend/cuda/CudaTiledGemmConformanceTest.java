package org.distill4j.backend.cuda;

import org.distill4j.backend.BackendConfig;
import org.distill4j.conformance.BackendConformanceSuite;

/** The conformance suite on a real GPU with gemm on the built-in tiled kernel (cuda.gemm=tiled) even where cuBLAS loads. */
class CudaTiledGemmConformanceTest extends BackendConformanceSuite {
    CudaTiledGemmConformanceTest() {
        super(new CudaBackendProvider(), BackendConfig.named("cuda").withOption("cuda", "gemm", "tiled"));
    }
}
