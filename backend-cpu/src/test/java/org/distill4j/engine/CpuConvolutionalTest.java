package org.distill4j.engine;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.cpu.CpuBackendProvider;

/** The convolutional suite on the CPU backend. */
class CpuConvolutionalTest extends ConvolutionalSuite {
    CpuConvolutionalTest() {
        super(new CpuBackendProvider(), BackendConfig.named("cpu"));
    }
}
