package org.distill4j.backend.cpu;

import org.distill4j.backend.BackendConfig;
import org.distill4j.conformance.BackendConformanceSuite;

/** The shared conformance suite on the CPU backend's scalar reference kernels ({@code cpu.simd=false}). */
class CpuScalarConformanceTest extends BackendConformanceSuite {
    CpuScalarConformanceTest() {
        super(new CpuBackendProvider(), BackendConfig.named("cpu").withOption("cpu", "simd", "false"));
    }
}
