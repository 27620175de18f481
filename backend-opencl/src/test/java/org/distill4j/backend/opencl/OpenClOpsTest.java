package org.distill4j.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.DropoutRng;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every OpenCL kernel against a plain float64 loop, on whatever OpenCL device is here (PoCL in CI). */
class OpenClOpsTest {
    private static OpenClBackend backend;
    private final Random random = new Random(42);

    @BeforeAll
    static void start() {
        backend = (OpenClBackend) new OpenClBackendProvider().create(BackendConfig.defaults());
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    // ------------------------------------------------------------------ gemm

    @ParameterizedTest(name = "transA={0} transB={1} {2}x{3}x{4} tiled={5}")
    @CsvSource({
            "false, false, 70, 129, 33, true", "true, false, 70, 129, 33, true",
            "false, true, 70, 129, 33, true", "true, true, 70, 129, 33, true",
            "false, false, 64, 64, 16, true", "true, true, 1, 1, 1, true", "false, true, 5, 200, 300, true",
            "false, false, 70, 129, 33, false", "true, false, 17, 9, 40, false",
            "false, true, 17, 9, 40, false", "true, true, 17, 9, 40, false"})
    void gemmMatchesAFloat64TripleLoop(boolean transA, boolean transB, int m, int n, int k, boolean tiled) {
        float[] a = randoms(m * k);
        float[] b = randoms(k * n);
        float[] c = randoms(m * n);
        float alpha = 0.75f;
        float beta = -0.5f;
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[p * m + i] : a[i * k + p];
                    double bv = transB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                expected[i * n + j] = (float) (alpha * sum + beta * c[i * n + j]);
            }
        }
        backend.useTiledGemm(tiled);
        try (Scope s = backend.newScope()) {
            Tensor ta = transA ? s.tensor(a, k, m) : s.tensor(a, m, k);
            Tensor tb = transB ? s.tensor(b, n, k) : s.tensor(b, k, n);
            Tensor tc = s.tensor(c, m, n);
            backend.gemm(transA, transB, alpha, ta, tb, beta, tc);
            assertClose(expected, tc.toArray(), 1e-4f);
        } finally {
            backend.useTiledGemm(true);
        }
    }

    @Test
    void gemmWithBetaZeroIgnoresNaNInTheOutput() {
        for (boolean tiled : new boolean[]{true, false}) {
            backend.useTiledGemm(tiled);
            try (Scope s = backend.newScope()) {
                Tensor a = s.tensor(new float[]{1, 2, 3, 4}, 2, 2);
                Tensor b = s.tensor(new float[]{1, 0, 0, 1}, 2, 2);
                Tensor c = s.tensor(new float[]{Float.NaN, Float.NaN, Float.POSITIVE_INFINITY, Float.NaN}, 2, 2);
                backend.gemm(false, false, 2f, a, b, 0f, c);
                assertArrayEquals(new float[]{2, 4, 6, 8}, c.toArray());
            } finally {
                backend.useTiledGemm(true);
            }
        }
    }

    @Test
    void theTiledGemmIsUsedOnThisDevice() {
        assertTrue(backend.tiledGemm(), backend.describe());
    }

    // ------------------------------------------------------------------ bias, activations, dropout

    @Test
    void addRowBiasAndSumRows() {
        float[] x = randoms(6 * 5);
        float[] bias = randoms(5);
        try (Scope s = backend.newScope()) {
            Tensor tx = s.tensor(x, 6, 5);
            backend.addRowBias(tx, s.tensor(bias, 5));
            float[] expected = new float[30];
            for (int i = 0; i < 30; i++) {
                expected[i] = x[i] + bias[i % 5];
            }
            assertClose(expected, tx.toArray(), 1e-6f);

            Tensor sums = s.tensor(5);
            backend.sumRows(tx, sums);
            float[] expectedSums = new float[5];
            for (int i = 0; i < 30; i++) {
                expectedSums[i % 5] += expected[i];
            }
            assertClose(expectedSums, sums.toArray(), 1e-5f);
        }
    }

    @Test
    void reluAndItsBackwardPass() {
        float[] x = {-2, -0f, 0, 0.5f, 3, -1e-20f, Float.NaN};
        float[] g = {1, 2, 3, 4, 5, 6, 7};
        try (Scope s = backend.newScope()) {
            Tensor tx = s.tensor(x, 7);
            Tensor out = s.tensor(7);
            backend.relu(tx, out);
            assertArrayEquals(new float[]{0, 0, 0, 0.5f, 3, 0, Float.NaN}, out.toArray());
            Tensor tg = s.tensor(g, 7);
            backend.reluBackward(tg, tx, tg);
            assertArrayEquals(new float[]{0, 0, 0, 4, 5, 0, 0}, tg.toArray());
            backend.relu(tx, tx);
            assertArrayEquals(new float[]{0, 0, 0, 0.5f, 3, 0, Float.NaN}, tx.toArray());
        }
    }

    @Test
    void dropoutDrawsExactlyTheMaskOfDropoutRng() {
        int n = 10_007;
        float p = 0.3f;
        long seed = -1234567890123L;
        float[] x = randoms(n);
        try (Scope s = backend.newScope()) {
            Tensor tx = s.tensor(x, n);
            Tensor mask = s.tensor(n);
            Tensor out = s.tensor(n);
            backend.dropout(tx, mask, out, p, seed);
            float[] m = mask.toArray();
            float[] o = out.toArray();
            float keep = 1f / (1f - p);
            for (int i = 0; i < n; i++) {
                float expectedMask = DropoutRng.uniform(seed, i) >= p ? keep : 0f;
                assertEquals(expectedMask, m[i], "mask[" + i + "]");
                assertEquals(x[i] * expectedMask, o[i], "out[" + i + "]");
            }
        }
    }

    // ------------------------------------------------------------------ softmax family

    @ParameterizedTest
    @CsvSource({"1, 10", "4, 10", "2.5, 300"})
    void softmaxAndLogSoftmaxMatchFloat64(float temperature, int cols) {
        int rows = 7;
        float[] z = randoms(rows * cols);
        z[3] = 1000f;      // stable for large logits
        z[cols + 1] = -1000f;
        try (Scope s = backend.newScope()) {
            Tensor logits = s.tensor(z, rows, cols);
            Tensor sm = s.tensor(rows, cols);
            Tensor lsm = s.tensor(rows, cols);
            backend.softmax(logits, temperature, sm);
            backend.logSoftmax(logits, temperature, lsm);
            double[][] expected = logSoftmax(z, rows, cols, temperature);
            float[] smv = sm.toArray();
            float[] lsmv = lsm.toArray();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    assertEquals(Math.exp(expected[i][j]), smv[i * cols + j], 1e-6, "softmax " + i + "," + j);
                    assertEquals(expected[i][j], lsmv[i * cols + j], 1e-4 * Math.max(1, Math.abs(expected[i][j])),
                            "logSoftmax " + i + "," + j);
                }
            }
            backend.softmax(logits, temperature, logits);
            assertClose(smv, logits.toArray(), 0f);
        }
    }

    // ------------------------------------------------------------------ losses

    @Test
    void crossEntropySkipsUnlabelledRowsButDividesByAllRows() {
        int rows = 5;
        int cols = 4;
        float[] z = randoms(rows * cols);
        float[] labels = {2, -1, 0, 3, -1};
        float weight = 0.7f;
        double[][] lsm = logSoftmax(z, rows, cols, 1f);
        double loss = 0;
        float[] grad = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            if (labels[i] < 0) {
                continue;
            }
            int y = (int) labels[i];
            loss -= lsm[i][y];
            for (int j = 0; j < cols; j++) {
                grad[i * cols + j] = (float) (weight * (Math.exp(lsm[i][j]) - (j == y ? 1 : 0)) / rows);
            }
        }
        loss /= rows;
        try (Scope s = backend.newScope()) {
            Tensor g = s.tensor(rows, cols);
            backend.fill(g, Float.NaN);
            Tensor l = s.tensor(1);
            backend.crossEntropy(s.tensor(z, rows, cols), s.tensor(labels, rows), weight, g, l);
            assertClose(grad, g.toArray(), 1e-6f);
            assertEquals(loss, l.toArray()[0], 1e-5);
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 10", "4, 10", "2, 1000"})
    void softTargetLossIsTSquaredKlBatchmeanWithItsGradient(float temperature, int cols) {
        int rows = 6;
        float[] student = randoms(rows * cols);
        float[] teacher = randoms(rows * cols);
        teacher[0] = -1e4f; // p = 0: the term counts 0
        float weight = 0.4f;
        double[][] logQ = logSoftmax(student, rows, cols, temperature);
        double[][] logP = logSoftmax(teacher, rows, cols, temperature);
        double kl = 0;
        float[] grad = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double p = Math.exp(logP[i][j]);
                if (p > 0) {
                    kl += p * (logP[i][j] - logQ[i][j]);
                }
                grad[i * cols + j] = (float) (weight * temperature * (Math.exp(logQ[i][j]) - p) / rows);
            }
        }
        double loss = temperature * temperature * kl / rows;
        try (Scope s = backend.newScope()) {
            Tensor g = s.tensor(rows, cols);
            Tensor l = s.tensor(1);
            backend.softTargetLoss(s.tensor(student, rows, cols), s.tensor(teacher, rows, cols), temperature, weight,
                    g, l);
            assertClose(grad, g.toArray(), 1e-6f);
            assertEquals(loss, l.toArray()[0], 1e-5 * Math.max(1, Math.abs(loss)));
        }
    }

    @Test
    void mseLossIsHalfTheMeanOverRowsOfSquaredErrors() {
        int rows = 3;
        int cols = 300;
        float[] a = randoms(rows * cols);
        float[] b = randoms(rows * cols);
        float weight = 2f;
        double loss = 0;
        float[] grad = new float[rows * cols];
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            loss += d * d;
            grad[i] = (float) (weight * d / rows);
        }
        loss /= 2.0 * rows;
        try (Scope s = backend.newScope()) {
            Tensor g = s.tensor(rows, cols);
            Tensor l = s.tensor(1);
            backend.mseLoss(s.tensor(a, rows, cols), s.tensor(b, rows, cols), weight, g, l);
            assertClose(grad, g.toArray(), 1e-6f);
            assertEquals(loss, l.toArray()[0], 1e-5 * loss);
        }
    }

    // ------------------------------------------------------------------ optimisers

    @ParameterizedTest
    @CsvSource({"false", "true"})
    void sgdWithMomentumAndWeightDecayAsPyTorch(boolean nesterov) {
        int n = 301;
        float[] param = randoms(n);
        float[] grad = randoms(n);
        float[] velocity = randoms(n);
        float lr = 0.1f, momentum = 0.9f, wd = 0.01f;
        float[] expectedParam = new float[n];
        float[] expectedVelocity = new float[n];
        for (int i = 0; i < n; i++) {
            double g = grad[i] + (double) wd * param[i];
            double v = momentum * (double) velocity[i] + g;
            expectedVelocity[i] = (float) v;
            expectedParam[i] = (float) (param[i] - lr * (nesterov ? g + momentum * v : v));
        }
        try (Scope s = backend.newScope()) {
            Tensor p = s.tensor(param, n);
            Tensor v = s.tensor(velocity, n);
            backend.sgdUpdate(p, s.tensor(grad, n), v, lr, momentum, wd, nesterov);
            assertClose(expectedParam, p.toArray(), 1e-6f);
            assertClose(expectedVelocity, v.toArray(), 1e-6f);
        }
    }

    @Test
    void adamWithBiasCorrectionAsPyTorch() {
        int n = 257;
        float[] param = randoms(n);
        float[] grad = randoms(n);
        float[] m = randoms(n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.abs(randoms(1)[0]);
        }
        float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.01f;
        int step = 3;
        float[] expectedParam = new float[n];
        float[] expectedM = new float[n];
        float[] expectedV = new float[n];
        for (int i = 0; i < n; i++) {
            double g = grad[i] + (double) wd * param[i];
            double mi = b1 * (double) m[i] + (1 - (double) b1) * g;
            double vi = b2 * (double) v[i] + (1 - (double) b2) * g * g;
            expectedM[i] = (float) mi;
            expectedV[i] = (float) vi;
            double mHat = mi / (1 - Math.pow(b1, step));
            double vHat = vi / (1 - Math.pow(b2, step));
            expectedParam[i] = (float) (param[i] - lr * mHat / (Math.sqrt(vHat) + eps));
        }
        try (Scope s = backend.newScope()) {
            Tensor tp = s.tensor(param, n);
            Tensor tm = s.tensor(m, n);
            Tensor tv = s.tensor(v, n);
            backend.adamUpdate(tp, s.tensor(grad, n), tm, tv, lr, b1, b2, eps, wd, step);
            assertClose(expectedParam, tp.toArray(), 1e-6f);
            assertClose(expectedM, tm.toArray(), 1e-6f);
            assertClose(expectedV, tv.toArray(), 1e-6f);
        }
    }

    @Test
    void maxNormScalesOnlyColumnsAboveTheLimit() {
        float[] w = {3, 0.1f, 4, 0.1f}; // column 0 has norm 5, column 1 norm 0.14
        try (Scope s = backend.newScope()) {
            Tensor t = s.tensor(w, 2, 2);
            backend.maxNormColumns(t, 2f);
            assertClose(new float[]{1.2f, 0.1f, 1.6f, 0.1f}, t.toArray(), 1e-6f);
        }
    }

    // ------------------------------------------------------------------ reductions and elementwise

    @Test
    void argmaxTakesTheFirstOfTiesAndTreatsNaNAsLargest() {
        float[] x = {
                1, 5, 5, 2,
                -1, -1, -1, -1,
                0, Float.NaN, 9, Float.NaN,
                7, 8, 9, 10};
        int[] out = new int[5];
        try (Scope s = backend.newScope()) {
            backend.argmaxRows(s.tensor(x, 4, 4), out);
        }
        assertArrayEquals(new int[]{1, 0, 1, 3, 0}, out);
    }

    @Test
    void fillCopyAxpyScaleMul() {
        int n = 1000;
        float[] a = randoms(n);
        float[] b = randoms(n);
        try (Scope s = backend.newScope()) {
            Tensor ta = s.tensor(a, 10, 100);
            Tensor tb = s.tensor(b, n);
            Tensor t = s.tensor(n);
            backend.fill(t, 2.5f);
            assertArrayEquals(filled(n, 2.5f), t.toArray());
            backend.copy(ta, t);
            assertArrayEquals(a, t.toArray());
            backend.axpy(-3f, tb, t);
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                expected[i] = a[i] - 3f * b[i];
            }
            assertClose(expected, t.toArray(), 1e-6f);
            backend.scale(t, 0.5f);
            for (int i = 0; i < n; i++) {
                expected[i] *= 0.5f;
            }
            assertClose(expected, t.toArray(), 1e-6f);
            backend.mul(t, tb, t);
            for (int i = 0; i < n; i++) {
                expected[i] *= b[i];
            }
            assertClose(expected, t.toArray(), 1e-6f);
        }
    }

    @ParameterizedTest
    @CsvSource({"1", "255", "300000"})
    void sumSquaresInFloat64(int n) {
        float[] x = randoms(n);
        double expected = 0;
        for (float v : x) {
            expected += (double) v * v;
        }
        try (Scope s = backend.newScope()) {
            assertEquals(expected, backend.sumSquares(s.tensor(x, n)), 1e-5 * expected);
        }
    }

    // ------------------------------------------------------------------ memory

    @Test
    void releasedBuffersAreReusedForTheSameSizeAndFreedOnClose() {
        try (OpenClBackend own = (OpenClBackend) new OpenClBackendProvider().create(BackendConfig.defaults())) {
            Tensor first = own.tensor(3, 5);
            assertEquals(1, own.allocatedBlocks());
            first.close();
            assertEquals(60, own.pooledBytes());
            Tensor second = own.tensor(15);
            assertEquals(1, own.allocatedBlocks(), "the pooled buffer is reused");
            assertEquals(0, own.pooledBytes());
            Tensor other = own.tensor(16);
            assertEquals(2, own.allocatedBlocks());
            assertEquals(2, own.liveTensors());
            second.close();
            other.close();
            assertEquals(0, own.liveTensors());
            own.close();
            assertEquals(0, own.allocatedBlocks());
            assertFalse(own.describe().isEmpty());
        }
    }

    // ------------------------------------------------------------------ helpers

    private float[] randoms(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static float[] filled(int n, float value) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, value);
        return x;
    }

    /** log softmax(z / T) per row, in float64. */
    private static double[][] logSoftmax(float[] z, int rows, int cols, float temperature) {
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, (double) z[i * cols + j] / temperature);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp((double) z[i * cols + j] / temperature - max);
            }
            double logSum = Math.log(sum);
            for (int j = 0; j < cols; j++) {
                out[i][j] = (double) z[i * cols + j] / temperature - max - logSum;
            }
        }
        return out;
    }

    /** Each element within {@code tol * max(1, |expected|)}. */
    private static void assertClose(float[] expected, float[] actual, float tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            float bound = tol * Math.max(1f, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= bound) && !(Float.isNaN(expected[i]) && Float.isNaN(actual[i]))) {
                throw new AssertionError("element " + i + ": expected " + expected[i] + " but was " + actual[i]
                        + " (tolerance " + bound + ")");
            }
        }
    }
}
