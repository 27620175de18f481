package org.distill4j.backend.cpu;

import org.distill4j.conformance.BackendConformanceSuite;

/** The shared conformance suite on the CPU backend with its default (SIMD where usable) kernels. */
class CpuConformanceTest extends BackendConformanceSuite {
    CpuConformanceTest() {
        super(new CpuBackendProvider());
    }
}
