package org.distill4j.engine;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.opencl.OpenClBackendProvider;

/** The engine suite (end-to-end training and distillation) on the OpenCL backend. */
class OpenClEngineTest extends EngineSuite {
    OpenClEngineTest() {
        super(new OpenClBackendProvider(), BackendConfig.named("opencl"));
    }
}
