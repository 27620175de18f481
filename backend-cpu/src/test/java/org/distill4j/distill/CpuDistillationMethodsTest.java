package org.distill4j.distill;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.cpu.CpuBackendProvider;

/** The distillation methods suite on the CPU backend. */
class CpuDistillationMethodsTest extends DistillationMethodsSuite {
    CpuDistillationMethodsTest() {
        super(new CpuBackendProvider(), BackendConfig.named("cpu"));
    }
}
