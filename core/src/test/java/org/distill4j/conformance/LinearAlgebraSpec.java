package org.distill4j.conformance;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** gemm (against EJML in float64), addRowBias and sumRows. */
interface LinearAlgebraSpec extends ConformanceContext {

    /**
     * {@code m x n x k} shapes: tiny, odd, around vector width 16 and tile size 64, and a few rows
     * (one to four examples) against wide, deep B, as in single-example inference.
     */
    List<int[]> GEMM_SHAPES = List.of(
            new int[] {1, 1, 1}, new int[] {1, 17, 3}, new int[] {3, 15, 1}, new int[] {17, 31, 15},
            new int[] {33, 16, 65}, new int[] {15, 65, 33}, new int[] {64, 64, 64}, new int[] {65, 33, 130},
            new int[] {130, 3, 17}, new int[] {31, 130, 65},
            new int[] {1, 131, 300}, new int[] {2, 47, 513}, new int[] {3, 10, 77}, new int[] {4, 33, 17});

    /** The alpha/beta/inputs variants every gemm shape and transpose is run with. */
    enum GemmVariant {
        OVERWRITE(1f, 0f, "alpha=1, beta=0 over C full of NaN and inf (must not propagate)"),
        ACCUMULATE(0.5f, 1f, "alpha=0.5, beta=1 accumulates into C"),
        MIXED_SCALE(-2f, 0.25f, "alpha=-2, beta=0.25, A of magnitude 1e4, B of 1e-2, C of 1e2");

        final float alpha;
        final float beta;
        final String description;

        GemmVariant(float alpha, float beta, String description) {
            this.alpha = alpha;
            this.beta = beta;
            this.description = description;
        }
    }

    @TestFactory
    @DisplayName("gemm: C = alpha op(A) op(B) + beta C for every transpose, odd and tile-sized shapes")
    default Stream<DynamicTest> gemmMatchesEjml() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int[] mnk : GEMM_SHAPES) {
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0;
                boolean transB = (t & 2) != 0;
                for (GemmVariant variant : GemmVariant.values()) {
                    String name = "gemm m=" + mnk[0] + " n=" + mnk[1] + " k=" + mnk[2] + " transA=" + transA
                            + " transB=" + transB + ", " + variant.description;
                    tests.add(dynamicTest(name, () -> checkGemm(name, transA, transB, mnk[0], mnk[1], mnk[2], variant)));
                }
            }
        }
        return tests.stream();
    }

    private void checkGemm(String name, boolean transA, boolean transB, int m, int n, int k, GemmVariant variant) {
        SplittableRandom r = Inputs.random(name);
        boolean mixed = variant == GemmVariant.MIXED_SCALE;
        float[] a = Inputs.uniform(r, m * k, mixed ? -1e4 : -1, mixed ? 1e4 : 1);
        float[] b = Inputs.uniform(r, k * n, mixed ? -1e-2 : -1, mixed ? 1e-2 : 1);
        float[] c = Inputs.uniform(r, m * n, mixed ? -1e2 : -1, mixed ? 1e2 : 1);
        if (variant == GemmVariant.OVERWRITE) {
            for (int i = 0; i < c.length; i++) {
                c[i] = i % 3 == 0 ? Float.NaN : i % 3 == 1 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            }
        }
        float[] actual = runGemm(transA, transB, m, n, k, variant.alpha, a, b, variant.beta, c);
        checkGemmResult(name, transA, transB, m, n, k, variant.alpha, a, b, variant.beta, c, actual);
    }

    private float[] runGemm(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, float[] b, float beta, float[] c) {
        try (Scope s = backend().newScope()) {
            Tensor ta = s.tensor(a, transA ? k : m, transA ? m : k);
            Tensor tb = s.tensor(b, transB ? n : k, transB ? k : n);
            Tensor tc = s.tensor(c, m, n);
            backend().gemm(transA, transB, alpha, ta, tb, beta, tc);
            return tc.toArray();
        }
    }

    private static void checkGemmResult(String name, boolean transA, boolean transB, int m, int n, int k,
                                        float alpha, float[] a, float[] b, float beta, float[] c, float[] actual) {
        double[] da = Reference.toDouble(a);
        double[] db = Reference.toDouble(b);
        double[] dc = Reference.toDouble(c);
        double[] expected = Reference.gemm(transA, transB, m, n, k, alpha, da, db, beta, dc);
        double[] scale = Reference.gemmScale(transA, transB, m, n, k, alpha, da, db, beta, dc);
        double[] tol = new double[scale.length];
        for (int i = 0; i < tol.length; i++) {
            tol[i] = Tolerances.gemm(k, scale[i]);
        }
        Check.close(name, "Tolerances.gemm: (k + 4) U |alpha||A||B| + |beta C|", n, expected, tol, actual);
    }

    @TestFactory
    @DisplayName("gemm: alpha = 0 and beta = 1 leave C as it was")
    default Stream<DynamicTest> gemmWithZeroAlphaKeepsC() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            String name = "gemm m=17 n=33 k=5 transA=" + transA + " transB=" + transB + ", alpha=0, beta=1";
            tests.add(dynamicTest(name, () -> {
                SplittableRandom r = Inputs.random(name);
                float[] a = Inputs.uniform(r, 17 * 5, -1, 1);
                float[] b = Inputs.uniform(r, 5 * 33, -1, 1);
                float[] c = Inputs.uniform(r, 17 * 33, -1, 1);
                float[] actual = runGemm(transA, transB, 17, 33, 5, 0f, a, b, 1f, c);
                checkGemmResult(name, transA, transB, 17, 33, 5, 0f, a, b, 1f, c, actual);
            }));
        }
        return tests.stream();
    }

    @Test
    @DisplayName("gemm: ops on distinct tensors from several threads give the single-thread results")
    default void gemmFromSeveralThreads() throws Exception {
        Assumptions.assumeTrue(backend().threadSafe(), "backend " + backend().name() + " declares itself not thread-safe");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int job = 0; job < 6; job++) {
                String name = "gemm m=33 n=17 k=65 on thread job " + job;
                futures.add(pool.submit(() -> {
                    SplittableRandom r = Inputs.random(name);
                    float[] a = Inputs.uniform(r, 33 * 65, -1, 1);
                    float[] b = Inputs.uniform(r, 65 * 17, -1, 1);
                    float[] c = Inputs.uniform(r, 33 * 17, -1, 1);
                    for (int repeat = 0; repeat < 5; repeat++) {
                        float[] actual = runGemm(false, true, 33, 17, 65, 1f, a, transpose(b, 65, 17), 0.5f, c);
                        checkGemmResult(name, false, false, 33, 17, 65, 1f, a, b, 0.5f, c, actual);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    @TestFactory
    @DisplayName("addRowBias: x[i][j] += bias[j], on matrices and on higher-rank tensors viewed as matrices")
    default Stream<DynamicTest> addRowBiasAddsToEveryRow() {
        List<int[]> shapes = new ArrayList<>(Inputs.ROW_SHAPES);
        shapes.add(new int[] {2, 3, 5});
        shapes.add(new int[] {3, 1, 4, 4});
        return shapes.stream().map(shape -> {
            String name = "addRowBias x" + Inputs.shape(shape);
            return dynamicTest(name, () -> {
                SplittableRandom r = Inputs.random(name);
                try (Scope s = backend().newScope()) {
                    Tensor x = s.tensor(Inputs.uniform(r, sizeOf(shape), -10, 10), shape);
                    float[] xs = x.toArray();
                    int rows = x.rows();
                    int cols = x.cols();
                    float[] bias = Inputs.uniform(r, cols, -10, 10);
                    backend().addRowBias(x, s.tensor(bias, cols));
                    double[] expected = new double[xs.length];
                    double[] tol = new double[xs.length];
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            int at = i * cols + j;
                            expected[at] = (double) xs[at] + bias[j];
                            tol[at] = Tolerances.elementwise(Math.abs(xs[at]) + Math.abs(bias[j]));
                        }
                    }
                    Check.close(name, "Tolerances.elementwise", cols, expected, tol, x.toArray());
                }
            });
        });
    }

    @TestFactory
    @DisplayName("sumRows: out[j] is the sum of column j (the bias gradient)")
    default Stream<DynamicTest> sumRowsSumsColumns() {
        List<int[]> shapes = new ArrayList<>(Inputs.ROW_SHAPES);
        shapes.add(new int[] {130, 3});
        shapes.add(new int[] {64, 17});
        shapes.add(new int[] {4, 2, 3});
        return shapes.stream().map(shape -> {
            String name = "sumRows x" + Inputs.shape(shape);
            return dynamicTest(name, () -> {
                SplittableRandom r = Inputs.random(name);
                float[] xs = Inputs.uniform(r, sizeOf(shape), -10, 10);
                try (Scope s = backend().newScope()) {
                    Tensor x = s.tensor(xs, shape);
                    Tensor out = s.tensor(x.cols());
                    backend().fill(out, Float.NaN);
                    backend().sumRows(x, out);
                    int rows = x.rows();
                    int cols = x.cols();
                    double[] expected = Reference.sumRows(Reference.toDouble(xs), rows, cols);
                    double[] absSums = Reference.sumRows(Reference.absolute(Reference.toDouble(xs)), rows, cols);
                    double[] tol = new double[cols];
                    for (int j = 0; j < cols; j++) {
                        tol[j] = Tolerances.reduction(rows, absSums[j]);
                    }
                    Check.close(name, "Tolerances.reduction over the rows", cols, expected, tol, out.toArray());
                }
            });
        });
    }

    static int sizeOf(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
