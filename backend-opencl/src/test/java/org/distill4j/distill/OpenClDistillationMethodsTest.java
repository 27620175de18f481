package org.distill4j.distill;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.opencl.OpenClBackendProvider;

/** The distillation methods suite on the OpenCL backend. */
class OpenClDistillationMethodsTest extends DistillationMethodsSuite {
    OpenClDistillationMethodsTest() {
        super(new OpenClBackendProvider(), BackendConfig.named("opencl"));
    }
}
