package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The blocked SIMD gemm and the scalar reference gemm agree with a float64 oracle for every
 * transpose case, at sizes that are and are not multiples of the tiles and blocks, and the SIMD
 * one is deterministic and independent of the thread count.
 */
class GemmTest {
    /**
     * {m, n, k}: tiny, exact tiles, ragged edges, several K blocks, several N and M blocks; and
     * for the streamed small-m path, m = 1 to 5 with odd n, several K blocks, and full and ragged
     * strips of columns; for the narrow dot-product path (no transposes, n <= 16), full and ragged
     * 4 x 4 blocks with and without a lane tail.
     */
    static final int[][] SIZES = {
            {1, 1, 1}, {1, 17, 3}, {3, 5, 7}, {8, 48, 16}, {9, 49, 33}, {15, 33, 127}, {16, 96, 256},
            {17, 100, 300}, {130, 20, 70}, {64, 10, 200}, {33, 1000, 20}, {140, 97, 513},
            {1, 801, 784}, {2, 47, 300}, {3, 10, 513}, {4, 1100, 21}, {5, 33, 65},
            {7, 11, 300}, {128, 10, 1200}, {6, 16, 64}, {9, 3, 100},
    };

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int[] s : SIZES) {
            for (int t = 0; t < 4; t++) {
                out.add(Arguments.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @MethodSource("cases")
    void simdAndScalarMatchTheFloat64Oracle(int m, int n, int k, boolean transA, boolean transB) {
        float[] a = Reference.random(1, m * k);
        float[] b = Reference.random(2, k * n);
        float[] c = Reference.random(3, m * n);
        for (float[] ab : new float[][] {{1f, 0f}, {0.5f, 1f}, {-2f, 0.25f}}) {
            float alpha = ab[0];
            float beta = ab[1];
            double[] expected = Reference.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
            double[] scale = Reference.gemmMagnitude(transA, transB, m, n, k, alpha, a, b, beta, c);
            // the scalar kernels (tile null, simd off), and the SIMD gemm with each micro-tile
            for (MicroTile tile : new MicroTile[] {null, MicroTile.ROWS8_VECTORS3, MicroTile.ROWS5_VECTORS2}) {
                boolean simd = tile != null;
                float[] got = run(simd, 2, tile, transA, transB, m, n, k, alpha, a, b, beta, c);
                for (int i = 0; i < got.length; i++) {
                    double tol = 2e-7 * (k + 2) * scale[i] + 1e-30;
                    int at = i;
                    assertTrue(Math.abs(got[i] - expected[i]) <= tol, () -> "tile=" + tile + " alpha=" + alpha
                            + " beta=" + beta + " C[" + at / n + "][" + at % n + "] = " + got[at]
                            + ", expected " + expected[at]);
                }
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        int m = 19, n = 53, k = 11;
        float[] a = Reference.random(4, m * k);
        float[] b = Reference.random(5, k * n);
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        for (boolean simd : new boolean[] {true, false}) {
            float[] got = run(simd, 2, false, false, m, n, k, 1f, a, b, 0f, c);
            for (float v : got) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void alphaZeroScalesCByBeta() {
        float[] a = {Float.NaN, 1, 2, 3};
        float[] b = {1, 2, 3, 4};
        float[] c = {1, 2, 3, 4};
        for (boolean simd : new boolean[] {true, false}) {
            assertArrayEquals(new float[] {2, 4, 6, 8}, run(simd, 1, false, false, 2, 2, 2, 0f, a, b, 2f, c));
            assertArrayEquals(new float[] {0, 0, 0, 0}, run(simd, 1, false, false, 2, 2, 2, 0f, a, b, 0f, c));
        }
    }

    @Test
    void oneAndTwoThreadsGiveBitIdenticalResults() {
        assumeTrue(VectorSupport.usable());
        for (int[] s : new int[][] {{128, 300, 200}, {300, 40, 260}, {64, 1000, 64}, {4, 1000, 600}, {1, 2001, 1100},
                {262, 10, 1000}, {1200, 10, 128}, {800, 10, 128}}) {
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0;
                boolean transB = (t & 2) != 0;
                float[] a = Reference.random(6, s[0] * s[2]);
                float[] b = Reference.random(7, s[2] * s[1]);
                float[] c = Reference.random(8, s[0] * s[1]);
                float[] one = run(true, 1, transA, transB, s[0], s[1], s[2], 0.7f, a, b, 0.3f, c);
                float[] two = run(true, 2, transA, transB, s[0], s[1], s[2], 0.7f, a, b, 0.3f, c);
                float[] three = run(true, 3, transA, transB, s[0], s[1], s[2], 0.7f, a, b, 0.3f, c);
                assertArrayEquals(one, two);
                assertArrayEquals(one, three);
            }
        }
    }

    @Test
    void aRowAloneGetsTheBitsItGetsInABatch() {
        assumeTrue(VectorSupport.usable());
        int k = 600;
        for (int n : new int[] {10, 47, 800}) {
            for (boolean transA : new boolean[] {false, true}) {
                float[] batch = Reference.random(11, 40 * k);
                float[] b = Reference.random(12, k * n);
                float[] c = Reference.random(13, 40 * n);
                for (float[] ab : new float[][] {{1f, 0f}, {1f, 0.5f}}) {
                    if (transA && n < Blocking.forThisMachine(null, Gemm.L).nr() && ab[1] != 0f) {
                        continue; // a narrow batch computes C^T first and applies beta once, after all K blocks
                    }
                    float[] all = run(true, 2, transA, false, 40, n, k, ab[0], batch, b, ab[1], c);
                    for (int rows = 1; rows <= Gemm.SMALL_M; rows++) {
                        float[] first = transA ? firstColumns(batch, k, 40, rows) : java.util.Arrays.copyOf(batch, rows * k);
                        float[] alone = run(true, 2, transA, false, rows, n, k, ab[0], first, b, ab[1],
                                java.util.Arrays.copyOf(c, rows * n));
                        assertArrayEquals(java.util.Arrays.copyOf(all, rows * n), alone,
                                rows + " rows of " + n + " columns, transA=" + transA + ", beta=" + ab[1]);
                    }
                }
            }
        }
    }

    @Test
    void streamedAndPackedProductsAgreeBitForBitWithoutTransposedB() {
        assumeTrue(VectorSupport.usable());
        try (WorkerPool pool = new WorkerPool(2)) {
            Gemm packed = new Gemm(pool, 0);
            Gemm streamed = new Gemm(pool, Integer.MAX_VALUE);
            for (int m : new int[] {1, 2, 3, 4, 7, 16}) {
                for (int[] nk : new int[][] {{5, 3}, {47, 300}, {800, 784}, {1100, 513}}) {
                    int n = nk[0];
                    int k = nk[1];
                    for (boolean transA : new boolean[] {false, true}) {
                        float[] a = Reference.random(14, m * k);
                        float[] b = Reference.random(15, k * n);
                        float[] c = Reference.random(16, m * n);
                        for (float[] ab : new float[][] {{1f, 0f}, {-0.5f, 1f}, {2f, 0.25f}}) {
                            float[] expected = c.clone();
                            float[] actual = c.clone();
                            packed.gemm(transA, false, m, n, k, ab[0], a, b, ab[1], expected);
                            streamed.gemm(transA, false, m, n, k, ab[0], a, b, ab[1], actual);
                            assertArrayEquals(expected, actual, m + "x" + n + "x" + k + " transA=" + transA
                                    + " alpha=" + ab[0] + " beta=" + ab[1]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theNarrowWeightGradientIsThePackedProductOfItsTranspose() {
        assumeTrue(VectorSupport.usable());
        try (WorkerPool pool = new WorkerPool(2)) {
            Gemm gemm = new Gemm(pool, 0);
            // n below the tile width takes the narrow path whatever the lane count: NR - 1 is its widest case.
            for (int[] mnk : new int[][] {{1200, 10, 128}, {800, 10, 128}, {97, 5, 300}, {70, gemm.nr() - 1, 600}, {33, 3, 7}}) {
                int m = mnk[0];
                int n = mnk[1];
                int k = mnk[2];
                for (boolean transB : new boolean[] {false, true}) {
                    float[] a = Reference.random(17, k * m);
                    float[] b = Reference.random(18, k * n);
                    float[] c = Reference.random(19, m * n);
                    float[] ct = new float[n * m];
                    gemm.gemm(!transB, false, n, m, k, 1f, b, a, 0f, ct);
                    for (float[] ab : new float[][] {{1f, 0f}, {-0.5f, 1f}, {2f, 0.25f}}) {
                        float[] expected = c.clone();
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                float acc = ct[j * m + i];
                                int ci = i * n + j;
                                expected[ci] = ab[1] == 0f ? acc * ab[0] : Math.fma(acc, ab[0], c[ci] * ab[1]);
                            }
                        }
                        float[] actual = c.clone();
                        gemm.gemm(true, transB, m, n, k, ab[0], a, b, ab[1], actual);
                        assertArrayEquals(expected, actual, m + "x" + n + "x" + k + " transB=" + transB
                                + " alpha=" + ab[0] + " beta=" + ab[1]);
                    }
                }
            }
        }
    }

    /** The first {@code cols} columns of a row-major {@code rows x ld} matrix, row-major. */
    private static float[] firstColumns(float[] x, int rows, int ld, int cols) {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * ld, out, r * cols, cols);
        }
        return out;
    }

    @Test
    void repeatedCallsOnOneBackendAreBitIdentical() {
        int m = 128, n = 200, k = 300;
        float[] a = Reference.random(9, m * k);
        float[] b = Reference.random(10, k * n);
        try (CpuBackend backend = new CpuBackend(2, true);
             Tensor ta = backend.tensor(a, m, k);
             Tensor tb = backend.tensor(b, k, n);
             Tensor tc = backend.tensor(m, n)) {
            backend.gemm(false, false, 1f, ta, tb, 0f, tc);
            float[] first = tc.toArray();
            for (int i = 0; i < 5; i++) {
                backend.gemm(false, false, 1f, ta, tb, 0f, tc);
                assertArrayEquals(first, tc.toArray());
            }
        }
    }

    @Test
    void concurrentCallsFromFourThreadsAreIndependent() throws Exception {
        int m = 96, n = 200, k = 120;
        try (CpuBackend backend = new CpuBackend(2, true)) {
            ExecutorService users = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> results = new ArrayList<>();
                for (int u = 0; u < 4; u++) {
                    int user = u;
                    results.add(users.submit(() -> {
                        float[] a = Reference.random(100 + user, m * k);
                        float[] b = Reference.random(200 + user, k * n);
                        float[] expected = run(true, 1, user % 2 == 1, false, m, n, k, 1f, a, b, 0f, new float[m * n]);
                        try (Tensor ta = backend.tensor(a, user % 2 == 1 ? k : m, user % 2 == 1 ? m : k);
                             Tensor tb = backend.tensor(b, k, n);
                             Tensor tc = backend.tensor(m, n)) {
                            for (int i = 0; i < 20; i++) {
                                backend.gemm(user % 2 == 1, false, 1f, ta, tb, 0f, tc);
                                assertArrayEquals(expected, tc.toArray());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : results) {
                    f.get();
                }
            } finally {
                users.shutdown();
            }
            assertEquals(0, backend.liveTensors());
        }
    }

    /** Runs one gemm on a fresh backend and returns C. */
    static float[] run(boolean simd, int threads, boolean transA, boolean transB, int m, int n, int k,
                       float alpha, float[] a, float[] b, float beta, float[] c) {
        return run(simd, threads, null, transA, transB, m, n, k, alpha, a, b, beta, c);
    }

    /** {@link #run} with the micro-tile {@code tile} (null: the machine's choice). */
    static float[] run(boolean simd, int threads, MicroTile tile, boolean transA, boolean transB, int m, int n, int k,
                       float alpha, float[] a, float[] b, float beta, float[] c) {
        try (CpuBackend backend = new CpuBackend(threads, simd, 64L << 20, tile);
             Tensor ta = backend.tensor(a, transA ? k : m, transA ? m : k);
             Tensor tb = backend.tensor(b, transB ? n : k, transB ? k : n);
             Tensor tc = backend.tensor(c, m, n)) {
            backend.gemm(transA, transB, alpha, ta, tb, beta, tc);
            return tc.toArray();
        }
    }
}
