package org.distill4j.engine;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.cuda.FakeCuda;
import org.junit.jupiter.api.Tag;

/**
 * The engine suite on the CUDA backend running on the fake driver (kernels on the CPU). It takes
 * about a minute there, so it is tagged {@code slow} and left out of the default build; run it with
 * {@code mvn -pl backend-cuda -am test -Dtest=FakeCudaEngineTest -Dsurefire.failIfNoSpecifiedTests=false -Dfake.cuda.excluded=none}.
 */
@Tag(FakeCuda.TAG)
@Tag("slow")
class FakeCudaEngineTest extends EngineSuite {
    FakeCudaEngineTest() {
        super(FakeCuda.provider(), BackendConfig.named("cuda"));
    }
}
