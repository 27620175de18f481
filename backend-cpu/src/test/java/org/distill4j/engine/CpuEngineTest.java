package org.distill4j.engine;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.cpu.CpuBackendProvider;

/** The engine suite on the CPU backend. */
class CpuEngineTest extends EngineSuite {
    CpuEngineTest() {
        super(new CpuBackendProvider(), BackendConfig.named("cpu"));
    }
}
