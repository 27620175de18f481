package org.distill4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.conformance.BackendConformanceSuite;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite on the fake CUDA driver with gemm through the FFM binding of the fake
 * {@code libcublas.so.13} ({@code cuda.gemm=cublas}, so a missing binding fails every gemm case).
 * Run by the execution {@code fake-cuda-ffm} against the packaged multi-release jar, with
 * {@code fake.cublas=13}: no {@code libcublas.so.12} is loaded, so JCublas cannot start.
 */
@Tag(FakeCudaFfmConformanceTest.TAG)
class FakeCudaFfmConformanceTest extends BackendConformanceSuite {
    static final String TAG = "fake-cuda-ffm";
    private static final BackendConfig CUBLAS = BackendConfig.named("cuda").withOption("cuda", "gemm", "cublas");

    FakeCudaFfmConformanceTest() {
        super(FakeCuda.provider(), CUBLAS);
    }

    @Test
    void gemmGoesThroughTheFfmBindingAndDescribeSaysWhyNotJCublas() {
        assumeTrue(FakeCuda.loadIntoThisJvm() == null, FakeCuda::failure);
        try (Backend backend = FakeCuda.provider().create(CUBLAS)) {
            String describe = backend.describe();
            assertEquals("gemm: cuBLAS 13.0.0 (FFM, libcublas.so.13; JCublas: libcublas.so.12 not found)",
                    describe.substring(describe.indexOf("gemm: ")), describe);
        }
    }
}
