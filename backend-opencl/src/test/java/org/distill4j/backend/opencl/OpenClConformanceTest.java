package org.distill4j.backend.opencl;

import org.distill4j.conformance.BackendConformanceSuite;

/** The shared conformance suite on the OpenCL backend (PoCL's CPU device where there is no GPU). */
class OpenClConformanceTest extends BackendConformanceSuite {
    OpenClConformanceTest() {
        super(new OpenClBackendProvider());
    }
}
