package org.distill4j.backend.cuda;

import org.distill4j.backend.BackendConfig;
import org.distill4j.conformance.BackendConformanceSuite;
import org.junit.jupiter.api.Tag;

/** The conformance suite on the fake CUDA driver with gemm on the built-in tiled kernel (cuda.gemm=tiled). */
@Tag(FakeCuda.TAG)
class FakeCudaTiledGemmConformanceTest extends BackendConformanceSuite {
    FakeCudaTiledGemmConformanceTest() {
        super(FakeCuda.provider(), BackendConfig.named("cuda").withOption("cuda", "gemm", "tiled"));
    }
}
