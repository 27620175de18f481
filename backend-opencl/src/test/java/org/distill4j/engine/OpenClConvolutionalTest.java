package org.distill4j.engine;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.opencl.OpenClBackendProvider;

/** The convolutional suite on the OpenCL backend (the default image kernels over its gemm). */
class OpenClConvolutionalTest extends ConvolutionalSuite {
    OpenClConvolutionalTest() {
        super(new OpenClBackendProvider(), BackendConfig.named("opencl"));
    }
}
