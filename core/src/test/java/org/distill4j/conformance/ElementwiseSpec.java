package org.distill4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Host transfers, fill, copy, axpy, scale, mul, sumSquares and argmaxRows. */
interface ElementwiseSpec extends ConformanceContext {

    /** Values a copy must keep bit for bit: signed zeros, a denormal, infinities, NaN, extremes. */
    float[] SPECIAL_VALUES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1f / 3};

    private static float[] withSpecials(SplittableRandom r, int n) {
        float[] x = Inputs.uniform(r, n, -100, 100);
        for (int i = 0; i < n; i += 2) {
            x[i] = SPECIAL_VALUES[(i / 2) % SPECIAL_VALUES.length];
        }
        return x;
    }

    @TestFactory
    @DisplayName("tensors: copyFrom then toArray returns the same bits, for ranks 1 to 4 viewed as rows x cols")
    default Stream<DynamicTest> tensorsRoundTripTheirContents() {
        List<int[]> shapes = List.of(new int[] {1}, new int[] {17}, new int[] {3, 5}, new int[] {2, 3, 4},
                new int[] {2, 1, 3, 5}, new int[] {1, 130});
        return shapes.stream().map(shape -> {
            String name = "tensor" + Inputs.shape(shape) + " round trip";
            return dynamicTest(name, () -> {
                int n = LinearAlgebraSpec.sizeOf(shape);
                float[] values = withSpecials(Inputs.random(name), n + 3);
                try (Scope s = backend().newScope()) {
                    Tensor t = s.tensor(shape);
                    assertEquals(shape[0], t.rows(), name + ": rows()");
                    assertEquals(n / shape[0], t.cols(), name + ": cols()");
                    t.copyFrom(values, 3);
                    float[] expected = java.util.Arrays.copyOfRange(values, 3, n + 3);
                    Check.bits(name + " (copyFrom at offset 3, toArray)", t.cols(), expected, t.toArray());
                    float[] larger = new float[n + 5];
                    t.copyTo(larger);
                    Check.bits(name + " (copyTo into a larger array)", t.cols(), expected,
                            java.util.Arrays.copyOf(larger, n));
                }
            });
        });
    }

    @TestFactory
    @DisplayName("fill: every element becomes the value, bit for bit (also -0.0, a denormal, infinities, NaN)")
    default Stream<DynamicTest> fillSetsEveryElement() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int n : Inputs.SIZES) {
            String name = "fill [" + n + "]";
            tests.add(dynamicTest(name, () -> {
                try (Scope s = backend().newScope()) {
                    Tensor x = s.tensor(n);
                    for (float value : SPECIAL_VALUES) {
                        backend().fill(x, value);
                        float[] expected = new float[n];
                        java.util.Arrays.fill(expected, value);
                        Check.bits(name + " with " + value, 1, expected, x.toArray());
                    }
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("copy: dst = src bit for bit, also between shapes of the same size")
    default Stream<DynamicTest> copyCopiesBits() {
        List<int[][]> pairs = new ArrayList<>();
        for (int n : Inputs.SIZES) {
            pairs.add(new int[][] {{n}, {n}});
        }
        pairs.add(new int[][] {{6}, {2, 3}});
        pairs.add(new int[][] {{2, 3, 4}, {24}});
        pairs.add(new int[][] {{4, 6}, {2, 2, 6}});
        return pairs.stream().map(pair -> {
            String name = "copy " + Inputs.shape(pair[0]) + " -> " + Inputs.shape(pair[1]);
            return dynamicTest(name, () -> {
                float[] values = withSpecials(Inputs.random(name), LinearAlgebraSpec.sizeOf(pair[0]));
                try (Scope s = backend().newScope()) {
                    Tensor src = s.tensor(values, pair[0]);
                    Tensor dst = s.tensor(pair[1]);
                    backend().copy(src, dst);
                    Check.bits(name, 1, values, dst.toArray());
                }
            });
        });
    }

    @TestFactory
    @DisplayName("axpy: y += alpha * x")
    default Stream<DynamicTest> axpyAddsScaledX() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int n : Inputs.SIZES) {
            for (float alpha : new float[] {0f, 1f, -2.5f, 1e-3f}) {
                String name = "axpy [" + n + "] alpha=" + alpha;
                tests.add(dynamicTest(name, () -> {
                    SplittableRandom r = Inputs.random(name);
                    float[] xs = Inputs.uniform(r, n, -100, 100);
                    float[] ys = Inputs.uniform(r, n, -100, 100);
                    try (Scope s = backend().newScope()) {
                        Tensor y = s.tensor(ys, n);
                        backend().axpy(alpha, s.tensor(xs, n), y);
                        double[] expected = new double[n];
                        double[] tol = new double[n];
                        for (int i = 0; i < n; i++) {
                            expected[i] = ys[i] + (double) alpha * xs[i];
                            tol[i] = Tolerances.elementwise(Math.abs(ys[i]) + Math.abs((double) alpha * xs[i]));
                        }
                        Check.close(name, "Tolerances.elementwise", 1, expected, tol, y.toArray());
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("scale: x *= s in place")
    default Stream<DynamicTest> scaleMultipliesInPlace() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int n : Inputs.SIZES) {
            for (float factor : new float[] {0f, -1f, 0.5f, 3e3f}) {
                String name = "scale [" + n + "] by " + factor;
                tests.add(dynamicTest(name, () -> {
                    float[] xs = Inputs.uniform(Inputs.random(name), n, -100, 100);
                    try (Scope s = backend().newScope()) {
                        Tensor x = s.tensor(xs, n);
                        backend().scale(x, factor);
                        double[] expected = new double[n];
                        double[] tol = new double[n];
                        for (int i = 0; i < n; i++) {
                            expected[i] = (double) xs[i] * factor;
                            tol[i] = Tolerances.elementwise(Math.abs(expected[i]));
                        }
                        Check.close(name, "Tolerances.elementwise", 1, expected, tol, x.toArray());
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("mul: out = a * b elementwise, also with out = a or out = b")
    default Stream<DynamicTest> mulMultipliesElementwise() {
        List<DynamicTest> tests = new ArrayList<>();
        String[] targets = {"a new tensor", "a (in place)", "b (in place)"};
        for (int n : Inputs.SIZES) {
            for (int target = 0; target < targets.length; target++) {
                int which = target;
                String name = "mul [" + n + "] into " + targets[target];
                tests.add(dynamicTest(name, () -> {
                    SplittableRandom r = Inputs.random(name);
                    float[] as = Inputs.uniform(r, n, -100, 100);
                    float[] bs = Inputs.uniform(r, n, -100, 100);
                    try (Scope s = backend().newScope()) {
                        Tensor a = s.tensor(as, n);
                        Tensor b = s.tensor(bs, n);
                        Tensor out = which == 0 ? s.tensor(n) : which == 1 ? a : b;
                        backend().mul(a, b, out);
                        double[] expected = new double[n];
                        double[] tol = new double[n];
                        for (int i = 0; i < n; i++) {
                            expected[i] = (double) as[i] * bs[i];
                            tol[i] = Tolerances.elementwise(Math.abs(expected[i]));
                        }
                        Check.close(name, "Tolerances.elementwise", 1, expected, tol, out.toArray());
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("sumSquares: the sum of squares of every element, returned as a double")
    default Stream<DynamicTest> sumSquaresAddsSquares() {
        List<int[]> shapes = new ArrayList<>();
        for (int n : Inputs.SIZES) {
            shapes.add(new int[] {n});
        }
        shapes.add(new int[] {4097});
        shapes.add(new int[] {3, 5, 7});
        List<DynamicTest> tests = new ArrayList<>();
        for (int[] shape : shapes) {
            for (double magnitude : new double[] {10, 1e15}) {
                String name = "sumSquares x" + Inputs.shape(shape) + " of magnitude " + magnitude;
                tests.add(dynamicTest(name, () -> {
                    int n = LinearAlgebraSpec.sizeOf(shape);
                    float[] xs = Inputs.uniform(Inputs.random(name), n, -magnitude, magnitude);
                    double expected = 0;
                    for (float x : xs) {
                        expected += (double) x * x;
                    }
                    try (Scope s = backend().newScope()) {
                        double actual = backend().sumSquares(s.tensor(xs, shape));
                        Check.close(name, "Tolerances.reduction", expected, Tolerances.reduction(n, expected), actual);
                    }
                }));
            }
        }
        return tests.stream();
    }

    /**
     * Rows that probe argmax's tie and NaN rules, for a row width {@code w}: random; all equal; the
     * maximum twice with the later one in an earlier vector lane; three maxima; one NaN; two NaNs;
     * +inf before a NaN; all -inf; -0.0 tied with 0.0; all NaN; +inf twice.
     */
    private static float[][] argmaxRows(SplittableRandom r, int w) {
        List<float[]> rows = new ArrayList<>();
        rows.add(Inputs.uniform(r, w, -10, 10));
        rows.add(filledRow(w, 7f));
        float[] twoMax = Inputs.uniform(r, w, -10, 10);
        twoMax[5 % w] = 20;
        twoMax[18 % w] = 20;
        rows.add(twoMax);
        float[] threeMax = Inputs.uniform(r, w, -10, 10);
        threeMax[w - 1] = 20;
        threeMax[16 % w] = 20;
        threeMax[(w / 2 + 1) % w] = 20;
        rows.add(threeMax);
        float[] oneNaN = Inputs.uniform(r, w, -10, 10);
        oneNaN[7 % w] = Float.NaN;
        rows.add(oneNaN);
        float[] twoNaN = Inputs.uniform(r, w, -10, 10);
        twoNaN[w - 1] = Float.NaN;
        twoNaN[2 % w] = Float.NaN;
        rows.add(twoNaN);
        float[] infThenNaN = Inputs.uniform(r, w, -10, 10);
        infThenNaN[0] = Float.POSITIVE_INFINITY;
        infThenNaN[w - 1] = Float.NaN;
        rows.add(infThenNaN);
        rows.add(filledRow(w, Float.NEGATIVE_INFINITY));
        float[] signedZeros = Inputs.uniform(r, w, -10, -1);
        signedZeros[(w - 1) / 2] = -0f;
        signedZeros[w - 1] = 0f;
        rows.add(signedZeros);
        rows.add(filledRow(w, Float.NaN));
        float[] twoInf = Inputs.uniform(r, w, -10, 10);
        twoInf[w - 1] = Float.POSITIVE_INFINITY;
        twoInf[3 % w] = Float.POSITIVE_INFINITY;
        rows.add(twoInf);
        return rows.toArray(new float[0][]);
    }

    private static float[] filledRow(int w, float value) {
        float[] row = new float[w];
        java.util.Arrays.fill(row, value);
        return row;
    }

    @TestFactory
    @DisplayName("argmaxRows: the first index of each row's largest value; ties go to the first, NaN counts as largest")
    default Stream<DynamicTest> argmaxRowsPicksFirstLargest() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int w : Inputs.SIZES) {
            String name = "argmaxRows of 11 rows of width " + w + " (random, ties, NaN, +-inf, signed zeros)";
            tests.add(dynamicTest(name, () -> checkArgmax(name, argmaxRows(Inputs.random(name), w), w)));
            String single = "argmaxRows of a batch of 1, width " + w;
            tests.add(dynamicTest(single, () -> checkArgmax(single,
                    new float[][] {Inputs.uniform(Inputs.random(single), w, -1e4, 1e4)}, w)));
        }
        for (int[] shape : Inputs.ROW_SHAPES) {
            String name = "argmaxRows of random logits " + Inputs.shape(shape);
            tests.add(dynamicTest(name, () -> {
                float[] x = Inputs.Logits.RANDOM.batch(Inputs.random(name), shape[0], shape[1]);
                float[][] rows = new float[shape[0]][];
                for (int i = 0; i < shape[0]; i++) {
                    rows[i] = java.util.Arrays.copyOfRange(x, i * shape[1], (i + 1) * shape[1]);
                }
                checkArgmax(name, rows, shape[1]);
            }));
        }
        return tests.stream();
    }

    private void checkArgmax(String name, float[][] rows, int w) {
        float[] x = new float[rows.length * w];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, x, i * w, w);
        }
        int[] out = new int[rows.length + 2];
        java.util.Arrays.fill(out, -5);
        try (Scope s = backend().newScope()) {
            backend().argmaxRows(s.tensor(x, rows.length, w), out);
        }
        Check.ints(name, Reference.argmaxRows(x, rows.length, w), out, rows.length);
    }
}
