package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every SIMD kernel agrees with its scalar reference on shapes around the vector length: rows of
 * 1, 15, 16, 17, 33, 127 and 1200 columns, and index ranges that start and end off a vector
 * boundary. Elementwise kernels agree bit for bit; softmax-family kernels and sums within a few
 * float roundings.
 */
class KernelAgreementTest {
    static final int[] COLS = {1, 2, 15, 16, 17, 33, 127, 1200};

    @BeforeAll
    static void vectorApiPresent() {
        assumeTrue(VectorSupport.usable(), "Vector API not usable here");
    }

    static List<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        for (int cols : COLS) {
            for (int rows : new int[] {1, 3}) {
                out.add(Arguments.of(rows, cols));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void elementwiseKernelsAreBitIdentical(int rows, int cols) {
        int size = rows * cols;
        float[] x = Reference.random(11, size, 3f);
        float[] y = Reference.random(12, size, 3f);
        for (int[] range : ranges(size)) {
            int from = range[0];
            int to = range[1];
            float[] s = x.clone();
            float[] v = x.clone();
            ScalarKernels.INSTANCE.relu(x, s, from, to);
            VectorKernels.INSTANCE.relu(x, v, from, to);
            assertArrayEquals(s, v, "relu");

            s = y.clone();
            v = y.clone();
            ScalarKernels.INSTANCE.reluBackward(y, x, s, from, to);
            VectorKernels.INSTANCE.reluBackward(y, x, v, from, to);
            assertArrayEquals(s, v, "reluBackward");

            s = y.clone();
            v = y.clone();
            ScalarKernels.INSTANCE.axpy(-0.3f, x, s, from, to);
            VectorKernels.INSTANCE.axpy(-0.3f, x, v, from, to);
            assertArrayEquals(s, v, "axpy");

            s = x.clone();
            v = x.clone();
            ScalarKernels.INSTANCE.scale(s, 1.7f, from, to);
            VectorKernels.INSTANCE.scale(v, 1.7f, from, to);
            assertArrayEquals(s, v, "scale");

            s = new float[size];
            v = new float[size];
            ScalarKernels.INSTANCE.mul(x, y, s, from, to);
            VectorKernels.INSTANCE.mul(x, y, v, from, to);
            assertArrayEquals(s, v, "mul");

            float[] sMask = new float[size];
            float[] vMask = new float[size];
            s = new float[size];
            v = new float[size];
            ScalarKernels.INSTANCE.dropout(x, sMask, s, 0.3f, 77L, from, to);
            VectorKernels.INSTANCE.dropout(x, vMask, v, 0.3f, 77L, from, to);
            assertArrayEquals(sMask, vMask, "dropout mask");
            assertArrayEquals(s, v, "dropout out");
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void optimiserUpdatesAreBitIdentical(int rows, int cols) {
        int size = rows * cols;
        float[] w = Reference.random(21, size);
        float[] g = Reference.random(22, size);
        float[] m0 = Reference.random(23, size, 0.1f);
        float[] v0 = Reference.random(24, size, 0.01f);
        for (int i = 0; i < size; i++) {
            v0[i] = Math.abs(v0[i]);
        }
        for (boolean nesterov : new boolean[] {false, true}) {
            float[] ws = w.clone();
            float[] wv = w.clone();
            float[] vs = m0.clone();
            float[] vv = m0.clone();
            ScalarKernels.INSTANCE.sgdUpdate(ws, g, vs, 0.1f, 0.9f, 1e-4f, nesterov, 0, size);
            VectorKernels.INSTANCE.sgdUpdate(wv, g, vv, 0.1f, 0.9f, 1e-4f, nesterov, 0, size);
            assertArrayEquals(ws, wv, "sgd params");
            assertArrayEquals(vs, vv, "sgd velocity");
        }
        float[] ws = w.clone();
        float[] wv = w.clone();
        float[] ms = m0.clone();
        float[] mv = m0.clone();
        float[] vs = v0.clone();
        float[] vv = v0.clone();
        float bc1 = (float) (1 - Math.pow(0.9, 3));
        float bc2 = (float) (1 - Math.pow(0.999, 3));
        ScalarKernels.INSTANCE.adamUpdate(ws, g, ms, vs, 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-4f, bc1, bc2, 0, size);
        VectorKernels.INSTANCE.adamUpdate(wv, g, mv, vv, 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-4f, bc1, bc2, 0, size);
        assertArrayEquals(ws, wv, "adam params");
        assertArrayEquals(ms, mv, "adam m");
        assertArrayEquals(vs, vv, "adam v");
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void rowAndColumnKernelsAgree(int rows, int cols) {
        float[] x = Reference.random(31, rows * cols, 2f);
        float[] bias = Reference.random(32, cols);

        float[] s = x.clone();
        float[] v = x.clone();
        ScalarKernels.INSTANCE.addRowBias(s, bias, cols, 0, rows);
        VectorKernels.INSTANCE.addRowBias(v, bias, cols, 0, rows);
        assertArrayEquals(s, v, "addRowBias");

        s = new float[cols];
        v = new float[cols];
        ScalarKernels.INSTANCE.sumRows(x, s, rows, cols, 0, cols);
        VectorKernels.INSTANCE.sumRows(x, v, rows, cols, 0, cols);
        assertArrayEquals(s, v, "sumRows");

        int[] as = new int[rows];
        int[] av = new int[rows];
        ScalarKernels.INSTANCE.argmaxRows(x, cols, as, 0, rows);
        VectorKernels.INSTANCE.argmaxRows(x, cols, av, 0, rows);
        assertArrayEquals(as, av, "argmaxRows");

        s = x.clone();
        v = x.clone();
        ScalarKernels.INSTANCE.maxNormColumns(s, rows, cols, 0.5f, new double[cols], new float[cols]);
        VectorKernels.INSTANCE.maxNormColumns(v, rows, cols, 0.5f, new double[cols], new float[cols]);
        assertClose(s, v, 1e-6f, "maxNormColumns");

        assertEquals(ScalarKernels.INSTANCE.sumSquares(x, 0, x.length), VectorKernels.INSTANCE.sumSquares(x, 0, x.length),
                1e-6 * ScalarKernels.INSTANCE.sumSquares(x, 0, x.length), "sumSquares");
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void softmaxFamilyAgrees(int rows, int cols) {
        for (float scale : new float[] {1f, 30f, 1e4f}) {
            float[] z = Reference.random(41, rows * cols, scale);
            float[] t = Reference.random(42, rows * cols, scale);
            for (float temperature : new float[] {1f, 4f, 20f}) {
                float[] s = new float[z.length];
                float[] v = new float[z.length];
                ScalarKernels.INSTANCE.softmax(z, temperature, s, cols, 0, rows);
                VectorKernels.INSTANCE.softmax(z, temperature, v, cols, 0, rows);
                assertClose(s, v, 1e-6f, "softmax");

                ScalarKernels.INSTANCE.logSoftmax(z, temperature, s, cols, 0, rows);
                VectorKernels.INSTANCE.logSoftmax(z, temperature, v, cols, 0, rows);
                assertCloseRelative(s, v, 2e-6f, "logSoftmax");

                double ks = ScalarKernels.INSTANCE.softTargetLoss(z, t, temperature, 0.25f, s, cols, 0, rows, new float[0]);
                double kv = VectorKernels.INSTANCE.softTargetLoss(z, t, temperature, 0.25f, v, cols, 0, rows,
                        new float[VectorKernels.INSTANCE.softTargetScratch(cols)]);
                assertEquals(ks, kv, 1e-5 * (1 + Math.abs(ks)), "softTargetLoss");
                assertClose(s, v, 1e-6f, "softTargetLoss gradient");
            }
            float[] labels = new float[rows];
            for (int r = 0; r < rows; r++) {
                labels[r] = r == 1 ? -1f : (r * 7) % cols;
            }
            float[] s = new float[z.length];
            float[] v = new float[z.length];
            double ls = ScalarKernels.INSTANCE.crossEntropy(z, labels, 0.5f, s, cols, 0, rows);
            double lv = VectorKernels.INSTANCE.crossEntropy(z, labels, 0.5f, v, cols, 0, rows);
            assertEquals(ls, lv, 1e-5 * (1 + Math.abs(ls)), "crossEntropy");
            assertClose(s, v, 1e-6f, "crossEntropy gradient");

            double ms = ScalarKernels.INSTANCE.mseLoss(z, t, 0.5f, s, 0, z.length);
            double mv = VectorKernels.INSTANCE.mseLoss(z, t, 0.5f, v, 0, z.length);
            assertEquals(ms, mv, 1e-5 * ms, "mseLoss");
            assertCloseRelative(s, v, 1e-6f, "mseLoss gradient");
        }
    }

    /** Rows of equal huge-negative values, -inf entries and all -inf, against ordinary rows. */
    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void softmaxFamilyAgreesOnAdversarialRows(int rows, int cols) {
        float[][] kinds = new float[5][];
        kinds[0] = filled(cols, -Float.MAX_VALUE);
        kinds[1] = filled(cols, Float.NEGATIVE_INFINITY);
        kinds[2] = Reference.random(51, cols, 4f);
        kinds[2][0] = Float.NEGATIVE_INFINITY;
        kinds[3] = filled(cols, -1e30f);
        kinds[3][cols - 1] = 3f;
        kinds[4] = Reference.random(52, cols, 1e4f);
        for (float[] teacherRow : kinds) {
            for (float[] studentRow : kinds) {
                float[] t = tile(teacherRow, rows);
                float[] z = tile(studentRow, rows);
                for (float temperature : new float[] {0.5f, 4f}) {
                    float[] s = new float[z.length];
                    float[] v = new float[z.length];
                    double ks = ScalarKernels.INSTANCE.softTargetLoss(z, t, temperature, 0.25f, s, cols, 0, rows, new float[0]);
                    double kv = VectorKernels.INSTANCE.softTargetLoss(z, t, temperature, 0.25f, v, cols, 0, rows,
                        new float[VectorKernels.INSTANCE.softTargetScratch(cols)]);
                    if (!(Double.isInfinite(ks) && ks == kv)) {
                        assertEquals(ks, kv, 1e-4 * (1 + Math.abs(ks)), "softTargetLoss");
                    }
                    assertClose(s, v, 1e-6f, "softTargetLoss gradient");
                    ScalarKernels.INSTANCE.softmax(z, temperature, s, cols, 0, rows);
                    VectorKernels.INSTANCE.softmax(z, temperature, v, cols, 0, rows);
                    assertClose(s, v, 1e-6f, "softmax");
                    ScalarKernels.INSTANCE.logSoftmax(z, temperature, s, cols, 0, rows);
                    VectorKernels.INSTANCE.logSoftmax(z, temperature, v, cols, 0, rows);
                    assertCloseRelative(s, v, 2e-6f, "logSoftmax");
                }
            }
        }
    }

    private static float[] filled(int n, float value) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, value);
        return x;
    }

    private static float[] tile(float[] row, int rows) {
        float[] x = new float[row.length * rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(row, 0, x, r * row.length, row.length);
        }
        return x;
    }

    /** Whole range, and ranges starting and ending off vector boundaries. */
    private static int[][] ranges(int size) {
        return new int[][] {{0, size}, {Math.min(1, size), size}, {Math.min(3, size), Math.max(Math.min(3, size), size - 2)}};
    }

    private static void assertClose(float[] expected, float[] actual, float tol, String what) {
        for (int i = 0; i < expected.length; i++) {
            int at = i;
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol || Float.compare(expected[i], actual[i]) == 0,
                    () -> what + " [" + at + "]: " + expected[at] + " vs " + actual[at]);
        }
    }

    private static void assertCloseRelative(float[] expected, float[] actual, float rel, String what) {
        for (int i = 0; i < expected.length; i++) {
            int at = i;
            float tol = rel * Math.max(1f, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol || Float.compare(expected[i], actual[i]) == 0,
                    () -> what + " [" + at + "]: " + expected[at] + " vs " + actual[at]);
        }
    }
}
