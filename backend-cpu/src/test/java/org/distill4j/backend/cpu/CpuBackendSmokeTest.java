package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.Test;

/** Hand-checked values: a small gemm with NaN in C and beta 0, and a softmax of huge and very negative logits. */
class CpuBackendSmokeTest {
    @Test
    void gemmMultipliesSmallMatrices() {
        try (Backend b = new CpuBackend(1, true);
             Tensor a = b.tensor(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
             Tensor x = b.tensor(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
             Tensor c = b.tensor(new float[] {Float.NaN, 0, 0, 0}, 2, 2)) {
            b.gemm(false, false, 1f, a, x, 0f, c);
            assertArrayEquals(new float[] {4, 5, 10, 11}, c.toArray());
        }
    }

    @Test
    void softmaxOfHugeLogitsIsFinite() {
        try (Backend b = new CpuBackend(1, true);
             Tensor z = b.tensor(new float[] {1e4f, 1e4f, -3e38f, 0f}, 1, 4);
             Tensor out = b.tensor(1, 4)) {
            b.softmax(z, 0.5f, out);
            assertArrayEquals(new float[] {0.5f, 0.5f, 0f, 0f}, out.toArray(), 1e-7f);
        }
    }
}
