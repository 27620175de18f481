package org.distill4j.backend.opencl;

import org.distill4j.backend.BackendConfig;
import org.distill4j.engine.LeakSuite;

/** The leak suite on the OpenCL backend (PoCL's CPU device where there is no GPU), counting its device buffers. */
class OpenClLeakTest extends LeakSuite {
    OpenClLeakTest() {
        super(new OpenClBackendProvider(), BackendConfig.named("opencl"));
    }

    @Override
    protected long deviceBuffers() {
        return ((OpenClBackend) backend).allocatedBlocks();
    }
}
