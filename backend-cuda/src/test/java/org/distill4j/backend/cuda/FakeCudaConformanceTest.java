package org.distill4j.backend.cuda;

import org.distill4j.conformance.BackendConformanceSuite;
import org.junit.jupiter.api.Tag;

/**
 * The conformance suite on the fake CUDA driver ({@link FakeCuda}): the backend's real JCuda code
 * and kernel sources, run on the CPU, with gemm through the fake cuBLAS.
 */
@Tag(FakeCuda.TAG)
class FakeCudaConformanceTest extends BackendConformanceSuite {
    FakeCudaConformanceTest() {
        super(FakeCuda.provider());
    }
}
