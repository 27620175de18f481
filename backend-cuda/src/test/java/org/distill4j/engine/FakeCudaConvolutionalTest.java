package org.distill4j.engine;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.cuda.FakeCuda;
import org.junit.jupiter.api.Tag;

/** The convolutional suite on the CUDA backend running on the fake driver (the default image kernels over its gemm). */
@Tag(FakeCuda.TAG)
class FakeCudaConvolutionalTest extends ConvolutionalSuite {
    FakeCudaConvolutionalTest() {
        super(FakeCuda.provider(), BackendConfig.named("cuda"));
    }
}
