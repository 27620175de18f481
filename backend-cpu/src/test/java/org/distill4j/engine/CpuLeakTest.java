package org.distill4j.engine;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.cpu.CpuBackendProvider;

/** The leak suite on the CPU backend. */
class CpuLeakTest extends LeakSuite {
    CpuLeakTest() {
        super(new CpuBackendProvider(), BackendConfig.named("cpu"));
    }
}
