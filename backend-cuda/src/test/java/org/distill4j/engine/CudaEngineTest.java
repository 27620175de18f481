package org.distill4j.engine;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.cuda.CudaBackendProvider;

/** The engine suite on a real GPU; skipped, with the probe's reason printed, where there is none. */
class CudaEngineTest extends EngineSuite {
    CudaEngineTest() {
        super(new CudaBackendProvider(), BackendConfig.named("cuda"));
    }
}
