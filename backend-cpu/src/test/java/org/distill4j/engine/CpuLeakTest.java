package org.distill4j.engine;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.cpu.CpuBackend;
import org.distill4j.backend.cpu.CpuBackendProvider;

/** The leak suite on the CPU backend, counting the bytes its array pool keeps. */
class CpuLeakTest extends LeakSuite {
    CpuLeakTest() {
        super(new CpuBackendProvider(), BackendConfig.named("cpu"));
    }

    @Override
    protected long deviceBuffers() {
        return ((CpuBackend) backend).pooledBytes();
    }
}
