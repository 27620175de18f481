package org.distill4j.backend.cpu;

import org.distill4j.conformance.BackendConformanceSuite;

/** The shared conformance suite on the CPU backend with its defaults (SIMD kernels where the Vector API is usable). */
class CpuConformanceTest extends BackendConformanceSuite {
    CpuConformanceTest() {
        super(new CpuBackendProvider());
    }
}
