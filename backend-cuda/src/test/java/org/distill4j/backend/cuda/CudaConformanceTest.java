package org.distill4j.backend.cuda;

import org.distill4j.conformance.BackendConformanceSuite;

/** The shared conformance suite on a real GPU; skipped, with the probe's reason printed, where there is none. */
class CudaConformanceTest extends BackendConformanceSuite {
    CudaConformanceTest() {
        super(new CudaBackendProvider());
    }
}
