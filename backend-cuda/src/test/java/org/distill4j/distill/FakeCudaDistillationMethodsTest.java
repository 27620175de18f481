package org.distill4j.distill;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.cuda.FakeCuda;
import org.junit.jupiter.api.Tag;

/** The distillation methods suite on the CUDA backend over the fake driver (kernels on the CPU). */
@Tag(FakeCuda.TAG)
class FakeCudaDistillationMethodsTest extends DistillationMethodsSuite {
    FakeCudaDistillationMethodsTest() {
        super(FakeCuda.provider(), BackendConfig.named("cuda"));
    }
}
