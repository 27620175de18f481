package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link VectorKernels} agrees with {@link ScalarKernels}, kernel by kernel: {@link #TABLE} names
 * each kernel with its inputs, how to run it on one implementation and its tolerance, and one
 * test runs every entry on both. Shapes are rows of 1 to 1200 columns around 4, 8 and 16 lanes
 * and their multiples, with index ranges that start and end off a vector boundary, so the test
 * holds at any lane count. Elementwise, optimiser and row kernels agree bit for bit;
 * softmax-family kernels, losses and norms within the stated tolerances.
 */
class KernelAgreementTest {
    static final int[] ROWS = {1, 3};
    static final int[] COLS = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 127, 1200};

    /** Temperatures of the random-logit inputs of the softmax family. */
    private static final float[] TEMPERATURES = {1f, 4f, 20f};

    /**
     * How far the vector result may be from the scalar one: an output element by
     * {@code abs + rel * max(1, |expected|)}, the returned sum by {@code valueAbs + valueRel * |expected|}.
     * A zero bound asks for the same bits; a non-finite expected value does too, except that with
     * {@code finiteForInfinite} an expected {@code +inf} sum admits a finite non-negative one.
     */
    record Tolerance(float abs, float rel, double valueAbs, double valueRel, boolean finiteForInfinite) {
        static final Tolerance EXACT = new Tolerance(0, 0, 0, 0, false);

        static Tolerance elements(float abs, float rel) {
            return new Tolerance(abs, rel, 0, 0, false);
        }

        Tolerance value(double valueAbs, double valueRel) {
            return new Tolerance(abs, rel, valueAbs, valueRel, finiteForInfinite);
        }

        /**
         * For the KL sum: where a teacher probability is positive in float64 but below float's
         * exponent range ({@code e^-100}, say) and the student's is 0, the scalar KL is {@code +inf}
         * and the vector kernel, whose float exponential flushes it to 0, skips the term.
         */
        Tolerance withFiniteForInfinite() {
            return new Tolerance(abs, rel, valueAbs, valueRel, true);
        }

        void check(Output expected, Output actual, String what) {
            assertEquals(expected.arrays().length, actual.arrays().length, what);
            for (int a = 0; a < expected.arrays().length; a++) {
                float[] e = expected.arrays()[a];
                float[] v = actual.arrays()[a];
                assertEquals(e.length, v.length, what);
                for (int i = 0; i < e.length; i++) {
                    float bound = abs + rel * Math.max(1f, Math.abs(e[i]));
                    boolean close = Float.compare(e[i], v[i]) == 0
                            || bound > 0 && Float.isFinite(e[i]) && Math.abs(e[i] - v[i]) <= bound;
                    int array = a;
                    int at = i;
                    assertTrue(close, () -> what + ", output " + array + " [" + at + "]: " + e[at] + " vs " + v[at]
                            + " (" + this + ")");
                }
            }
            double e = expected.value();
            double v = actual.value();
            double bound = valueAbs + valueRel * Math.abs(e);
            assertTrue(Double.compare(e, v) == 0 || bound > 0 && Double.isFinite(e) && Math.abs(e - v) <= bound
                            || finiteForInfinite && e == Double.POSITIVE_INFINITY && Double.isFinite(v) && v >= 0,
                    () -> what + ", returned " + e + " vs " + v + " (" + this + ")");
        }
    }

    /**
     * One input of a kernel: a {@code rows x cols} shape, the index range of an elementwise kernel,
     * a temperature and two matrices {@code a} and {@code b}, handed out as copies so that no run
     * sees what another wrote.
     */
    record Input(String label, int rows, int cols, int from, int to, float temperature, float[] a, float[] b) {
        @Override
        public float[] a() {
            return a.clone();
        }

        @Override
        public float[] b() {
            return b.clone();
        }

        int size() {
            return rows * cols;
        }
    }

    /** What a run wrote, in a fixed order, and returned (0 for a void kernel). */
    record Output(double value, float[]... arrays) {
        static Output of(float[]... arrays) {
            return new Output(0, arrays);
        }
    }

    /** The inputs of one kernel at one shape. */
    @FunctionalInterface
    interface Inputs {
        List<Input> of(int rows, int cols);
    }

    /** One kernel run on one implementation. */
    @FunctionalInterface
    interface Run {
        Output run(Kernels kernels, Input in);
    }

    /** An entry of {@link #TABLE}. */
    record Kernel(String name, Inputs inputs, Tolerance tolerance, Run run) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Kernel> TABLE = List.of(
            new Kernel("relu", KernelAgreementTest::ranges, Tolerance.EXACT, (k, in) -> {
                float[] out = in.b();
                k.relu(in.a(), out, in.from(), in.to());
                return Output.of(out);
            }),
            new Kernel("reluBackward", KernelAgreementTest::ranges, Tolerance.EXACT, (k, in) -> {
                float[] gradIn = in.b();
                k.reluBackward(in.b(), in.a(), gradIn, in.from(), in.to());
                return Output.of(gradIn);
            }),
            new Kernel("dropout", KernelAgreementTest::ranges, Tolerance.EXACT, (k, in) -> {
                float[] mask = new float[in.size()];
                float[] out = new float[in.size()];
                k.dropout(in.a(), mask, out, 0.3f, 77L, in.from(), in.to());
                return Output.of(mask, out);
            }),
            new Kernel("axpy", KernelAgreementTest::ranges, Tolerance.EXACT, (k, in) -> {
                float[] y = in.b();
                k.axpy(-0.3f, in.a(), y, in.from(), in.to());
                return Output.of(y);
            }),
            new Kernel("scale", KernelAgreementTest::ranges, Tolerance.EXACT, (k, in) -> {
                float[] x = in.a();
                k.scale(x, 1.7f, in.from(), in.to());
                return Output.of(x);
            }),
            new Kernel("mul", KernelAgreementTest::ranges, Tolerance.EXACT, (k, in) -> {
                float[] out = new float[in.size()];
                k.mul(in.a(), in.b(), out, in.from(), in.to());
                return Output.of(out);
            }),
            new Kernel("fill", KernelAgreementTest::ranges, Tolerance.EXACT, (k, in) -> {
                float[] x = in.a();
                k.fill(x, 0.625f, in.from(), in.to());
                return Output.of(x);
            }),
            new Kernel("copy", KernelAgreementTest::ranges, Tolerance.EXACT, (k, in) -> {
                float[] dst = in.b();
                k.copy(in.a(), dst, in.from(), in.to());
                return Output.of(dst);
            }),
            new Kernel("sgdUpdate", KernelAgreementTest::ranges, Tolerance.EXACT, (k, in) -> sgd(k, in, false)),
            new Kernel("sgdUpdate, Nesterov", KernelAgreementTest::ranges, Tolerance.EXACT, (k, in) -> sgd(k, in, true)),
            new Kernel("adamUpdate", KernelAgreementTest::ranges, Tolerance.EXACT, KernelAgreementTest::adam),
            new Kernel("addRowBias", KernelAgreementTest::whole, Tolerance.EXACT, (k, in) -> {
                float[] x = in.a();
                k.addRowBias(x, in.b(), in.cols(), 0, in.rows());
                return Output.of(x);
            }),
            new Kernel("sumRows", KernelAgreementTest::whole, Tolerance.EXACT, (k, in) -> {
                float[] out = new float[in.cols()];
                k.sumRows(in.a(), out, in.rows(), in.cols(), 0, in.cols());
                return Output.of(out);
            }),
            new Kernel("argmaxRows", KernelAgreementTest::whole, Tolerance.EXACT, (k, in) -> {
                int[] best = new int[in.rows()];
                k.argmaxRows(in.a(), in.cols(), best, 0, in.rows());
                float[] asFloats = new float[best.length];
                for (int r = 0; r < best.length; r++) {
                    asFloats[r] = best[r];
                }
                return Output.of(asFloats);
            }),
            new Kernel("maxNormColumns", KernelAgreementTest::whole, Tolerance.elements(1e-6f, 0), (k, in) -> {
                float[] w = in.a();
                k.maxNormColumns(w, in.rows(), in.cols(), 0.5f, new double[in.cols()], new float[in.cols()]);
                return Output.of(w);
            }),
            new Kernel("sumSquares", KernelAgreementTest::whole, Tolerance.EXACT.value(0, 1e-6),
                    (k, in) -> new Output(k.sumSquares(in.a(), 0, in.size()))),
            new Kernel("softmax", KernelAgreementTest::logits, Tolerance.elements(1e-6f, 0), KernelAgreementTest::softmax),
            new Kernel("softmax, adversarial rows", KernelAgreementTest::adversarialRows, Tolerance.elements(1e-6f, 0),
                    KernelAgreementTest::softmax),
            new Kernel("logSoftmax", KernelAgreementTest::logits, Tolerance.elements(0, 2e-6f),
                    KernelAgreementTest::logSoftmax),
            new Kernel("logSoftmax, adversarial rows", KernelAgreementTest::adversarialRows, Tolerance.elements(0, 2e-6f),
                    KernelAgreementTest::logSoftmax),
            new Kernel("softTargetLoss", KernelAgreementTest::logits, Tolerance.elements(1e-6f, 0).value(1e-5, 1e-5),
                    KernelAgreementTest::softTargetLoss),
            new Kernel("softTargetLoss, adversarial rows", KernelAgreementTest::adversarial,
                    Tolerance.elements(1e-6f, 0).value(1e-4, 1e-4).withFiniteForInfinite(), KernelAgreementTest::softTargetLoss),
            new Kernel("crossEntropy", KernelAgreementTest::logitsAtOneTemperature,
                    Tolerance.elements(1e-6f, 0).value(1e-5, 1e-5), KernelAgreementTest::crossEntropy),
            new Kernel("crossEntropy, adversarial rows", KernelAgreementTest::adversarialRowsForCrossEntropy,
                    Tolerance.elements(1e-6f, 0).value(1e-4, 1e-4), KernelAgreementTest::crossEntropy),
            new Kernel("mseLoss", KernelAgreementTest::logitsAtOneTemperature, Tolerance.elements(0, 1e-6f).value(0, 1e-5),
                    (k, in) -> {
                        float[] grad = new float[in.size()];
                        double sum = k.mseLoss(in.a(), in.b(), 0.5f, grad, 0, in.size());
                        return new Output(sum, grad);
                    }));

    @BeforeAll
    static void vectorApiPresent() {
        assumeTrue(VectorSupport.usable(), "Vector API not usable here");
    }

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Kernel kernel : TABLE) {
            for (int cols : COLS) {
                for (int rows : ROWS) {
                    out.add(Arguments.of(kernel, rows, cols));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("cases")
    void vectorKernelAgreesWithScalar(Kernel kernel, int rows, int cols) {
        for (Input in : kernel.inputs().of(rows, cols)) {
            Output expected = kernel.run().run(ScalarKernels.INSTANCE, in);
            Output actual = kernel.run().run(VectorKernels.INSTANCE, in);
            kernel.tolerance().check(expected, actual, kernel.name() + " " + rows + "x" + cols + ", " + in.label());
        }
    }

    // ------------------------------------------------------------------ runs shared by table entries

    private static Output sgd(Kernels k, Input in, boolean nesterov) {
        float[] w = Reference.random(21, in.size());
        float[] velocity = Reference.random(23, in.size(), 0.1f);
        k.sgdUpdate(w, Reference.random(22, in.size()), velocity, 0.1f, 0.9f, 1e-4f, nesterov, in.from(), in.to());
        return Output.of(w, velocity);
    }

    private static Output adam(Kernels k, Input in) {
        float[] w = Reference.random(21, in.size());
        float[] m = Reference.random(23, in.size(), 0.1f);
        float[] v = Reference.random(24, in.size(), 0.01f);
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
        }
        float bc1 = (float) (1 - Math.pow(0.9, 3));
        float bc2 = (float) (1 - Math.pow(0.999, 3));
        k.adamUpdate(w, Reference.random(22, in.size()), m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-4f, bc1, bc2,
                in.from(), in.to());
        return Output.of(w, m, v);
    }

    private static Output softmax(Kernels k, Input in) {
        float[] out = new float[in.size()];
        k.softmax(in.a(), in.temperature(), out, in.cols(), 0, in.rows());
        return Output.of(out);
    }

    private static Output logSoftmax(Kernels k, Input in) {
        float[] out = new float[in.size()];
        k.logSoftmax(in.a(), in.temperature(), out, in.cols(), 0, in.rows());
        return Output.of(out);
    }

    /** Student logits {@code a}, teacher logits {@code b}; the scratch starts as NaN, which the kernel must not read. */
    private static Output softTargetLoss(Kernels k, Input in) {
        float[] grad = new float[in.size()];
        float[] scratch = new float[k.softTargetScratch(in.cols())];
        Arrays.fill(scratch, Float.NaN);
        double kl = k.softTargetLoss(in.a(), in.b(), in.temperature(), 0.25f, grad, in.cols(), 0, in.rows(), scratch);
        return new Output(kl, grad);
    }

    /** Row 1 is unlabelled; the others have label {@code 7 r mod cols}. */
    private static Output crossEntropy(Kernels k, Input in) {
        float[] labels = new float[in.rows()];
        for (int r = 0; r < labels.length; r++) {
            labels[r] = r == 1 ? -1f : (r * 7) % in.cols();
        }
        float[] grad = new float[in.size()];
        double loss = k.crossEntropy(in.a(), labels, 0.5f, grad, in.cols(), 0, in.rows());
        return new Output(loss, grad);
    }

    // ------------------------------------------------------------------ inputs

    /** Values in [-3, 3): the whole range, and ranges starting and ending off vector boundaries. */
    static List<Input> ranges(int rows, int cols) {
        int size = rows * cols;
        float[] a = Reference.random(11, size, 3f);
        float[] b = Reference.random(12, size, 3f);
        int[][] ranges = {{0, size}, {Math.min(1, size), size}, {Math.min(3, size), Math.max(Math.min(3, size), size - 2)}};
        List<Input> out = new ArrayList<>();
        for (int[] r : ranges) {
            out.add(new Input("[" + r[0] + ", " + r[1] + ")", rows, cols, r[0], r[1], 1f, a, b));
        }
        return out;
    }

    /** A matrix of values in [-2, 2) and, in {@code b}'s first row, a bias in [-1, 1). */
    static List<Input> whole(int rows, int cols) {
        int size = rows * cols;
        return List.of(new Input("whole", rows, cols, 0, size, 1f, Reference.random(31, size, 2f),
                Reference.random(32, size)));
    }

    /** Random logits of magnitude 1, 30 and 1e4 at each of {@link #TEMPERATURES}. */
    static List<Input> logits(int rows, int cols) {
        return logits(rows, cols, TEMPERATURES);
    }

    static List<Input> logitsAtOneTemperature(int rows, int cols) {
        return logits(rows, cols, new float[] {1f});
    }

    private static List<Input> logits(int rows, int cols, float[] temperatures) {
        int size = rows * cols;
        List<Input> out = new ArrayList<>();
        for (float scale : new float[] {1f, 30f, 1e4f}) {
            float[] z = Reference.random(41, size, scale);
            float[] t = Reference.random(42, size, scale);
            for (float temperature : temperatures) {
                out.add(new Input("scale " + scale + ", T " + temperature, rows, cols, 0, size, temperature, z, t));
            }
        }
        return out;
    }

    /** The names of {@link #adversarialKinds}' rows. */
    private static final String[] KINDS = {"all -MAX", "all -inf", "one -inf", "-1e30 and one 3", "scale 1e4"};
    private static final float[] ADVERSARIAL_TEMPERATURES = {0.5f, 4f};

    /** Rows of equal huge-negative values, all -inf, one -inf entry, one finite entry among -1e30, and huge values. */
    private static float[][] adversarialKinds(int cols) {
        float[][] kinds = new float[KINDS.length][];
        kinds[0] = filled(cols, -Float.MAX_VALUE);
        kinds[1] = filled(cols, Float.NEGATIVE_INFINITY);
        kinds[2] = Reference.random(51, cols, 4f);
        kinds[2][0] = Float.NEGATIVE_INFINITY;
        kinds[3] = filled(cols, -1e30f);
        kinds[3][cols - 1] = 3f;
        kinds[4] = Reference.random(52, cols, 1e4f);
        return kinds;
    }

    /** Every pair of {@link #adversarialKinds} as student ({@code a}) and teacher ({@code b}) rows. */
    static List<Input> adversarial(int rows, int cols) {
        float[][] kinds = adversarialKinds(cols);
        List<Input> out = new ArrayList<>();
        for (int s = 0; s < kinds.length; s++) {
            for (int t = 0; t < kinds.length; t++) {
                for (float temperature : ADVERSARIAL_TEMPERATURES) {
                    out.add(new Input("student " + KINDS[s] + ", teacher " + KINDS[t] + ", T " + temperature,
                            rows, cols, 0, rows * cols, temperature, tile(kinds[s], rows), tile(kinds[t], rows)));
                }
            }
        }
        return out;
    }

    /** Each of {@link #adversarialKinds} as {@code a} (and {@code b}). */
    static List<Input> adversarialRows(int rows, int cols) {
        float[][] kinds = adversarialKinds(cols);
        List<Input> out = new ArrayList<>();
        for (int s = 0; s < kinds.length; s++) {
            for (float temperature : ADVERSARIAL_TEMPERATURES) {
                float[] z = tile(kinds[s], rows);
                out.add(new Input(KINDS[s] + ", T " + temperature, rows, cols, 0, rows * cols, temperature, z, z));
            }
        }
        return out;
    }

    /**
     * {@link #adversarialRows} but rows of {@code -Float.MAX_VALUE}: on those the vector kernel's
     * loss {@code log(s) + m - z[y]} cancels to 0, where the scalar one gives {@code log(cols)}.
     */
    static List<Input> adversarialRowsForCrossEntropy(int rows, int cols) {
        return adversarialRows(rows, cols).stream().filter(in -> !in.label().startsWith(KINDS[0])).toList();
    }

    private static float[] filled(int n, float value) {
        float[] x = new float[n];
        Arrays.fill(x, value);
        return x;
    }

    private static float[] tile(float[] row, int rows) {
        float[] x = new float[row.length * rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(row, 0, x, r * row.length, row.length);
        }
        return x;
    }
}
