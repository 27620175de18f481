package org.distill4j.engine;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.cuda.CudaBackendProvider;

/** The convolutional suite on a real GPU; skipped, with the probe's reason printed, where there is none. */
class CudaConvolutionalTest extends ConvolutionalSuite {
    CudaConvolutionalTest() {
        super(new CudaBackendProvider(), BackendConfig.named("cuda"));
    }
}
