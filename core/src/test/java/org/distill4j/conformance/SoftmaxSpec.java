package org.distill4j.conformance;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * softmax and logSoftmax with temperature, per row. A row of all {@code -inf} is expected to give the
 * uniform distribution (see {@link Reference}); it must never give NaN.
 */
interface SoftmaxSpec extends ConformanceContext {

    /** Expected values and tolerances of softmax ({@code log == false}) or logSoftmax over a batch. */
    static double[][] expectedSoftmax(float[] logits, int rows, int cols, float temperature, boolean log) {
        double[] z = Reference.toDouble(logits);
        double[] expected = new double[z.length];
        double[] tol = new double[z.length];
        for (int i = 0; i < rows; i++) {
            double[] s = Reference.scaledRow(z, cols, i, temperature);
            double[] p = Reference.softmax(s);
            double[] logp = Reference.logSoftmax(s);
            System.arraycopy(log ? logp : p, 0, expected, i * cols, cols);
            System.arraycopy(log ? Tolerances.logSoftmaxRow(s, p, logp) : Tolerances.softmaxRow(s, p), 0, tol, i * cols, cols);
        }
        return new double[][] {expected, tol};
    }

    private void checkSoftmax(String name, float[] logits, int[] shape, float temperature, boolean log, boolean inPlace) {
        try (Scope s = backend().newScope()) {
            Tensor x = s.tensor(logits, shape);
            Tensor out = inPlace ? x : s.tensor(shape);
            if (log) {
                backend().logSoftmax(x, temperature, out);
            } else {
                backend().softmax(x, temperature, out);
            }
            double[][] expected = expectedSoftmax(logits, x.rows(), x.cols(), temperature, log);
            Check.close(name, log ? "Tolerances.logSoftmaxRow" : "Tolerances.softmaxRow", x.cols(),
                    expected[0], expected[1], out.toArray());
        }
    }

    private Stream<DynamicTest> softmaxCases(boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        List<DynamicTest> tests = new ArrayList<>();
        for (Inputs.Logits kind : Inputs.Logits.values()) {
            for (int[] shape : Inputs.ROW_SHAPES) {
                for (float t : Inputs.TEMPERATURES) {
                    String name = op + " z" + Inputs.shape(shape) + " T=" + t + ", " + kind.description;
                    tests.add(dynamicTest(name, () -> {
                        float[] logits = kind.batch(Inputs.random(name), shape[0], shape[1]);
                        checkSoftmax(name, logits, shape, t, log, false);
                    }));
                }
            }
        }
        for (float t : new float[] {1f, 3f}) {
            for (int[] shape : List.of(new int[] {8, 17}, new int[] {3, 130})) {
                String name = op + " z" + Inputs.shape(shape) + " T=" + t + " in place (out = logits), "
                        + Inputs.Logits.MIXED.description;
                tests.add(dynamicTest(name, () -> {
                    float[] logits = Inputs.Logits.MIXED.batch(Inputs.random(name), shape[0], shape[1]);
                    checkSoftmax(name, logits, shape, t, log, true);
                }));
            }
        }
        int[] rank3 = {3, 2, 5};
        String name = op + " z" + Inputs.shape(rank3) + " T=2 (rank 3: rows of 10)";
        tests.add(dynamicTest(name, () -> checkSoftmax(name, Inputs.gaussian(Inputs.random(name), 30, 3), rank3, 2f, log, false)));
        return tests.stream();
    }

    @TestFactory
    @DisplayName("softmax: per row exp(z/T - max) / sum, stable for large, very negative and -inf logits")
    default Stream<DynamicTest> softmaxMatchesReference() {
        return softmaxCases(false);
    }

    @TestFactory
    @DisplayName("logSoftmax: per row z/T - max - log(sum exp), stable for large, very negative and -inf logits")
    default Stream<DynamicTest> logSoftmaxMatchesReference() {
        return softmaxCases(true);
    }

    @TestFactory
    @DisplayName("softmax and logSoftmax: a row of equal values (also -1e30, -Float.MAX_VALUE, -inf) is uniform")
    default Stream<DynamicTest> equalRowsAreUniform() {
        float[] values = {0f, 7.5f, 1e4f, -1e4f, -1e30f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
        int[] widths = {1, 3, 17, 130};
        float[] temperatures = {0.5f, 1f, 3f};
        List<DynamicTest> tests = new ArrayList<>();
        for (float value : values) {
            for (int width : widths) {
                String name = "softmax and logSoftmax of a row of " + width + " x " + value + " at T=0.5, 1, 3";
                tests.add(dynamicTest(name, () -> {
                    float[] row = new float[width];
                    Arrays.fill(row, value);
                    double[] uniform = new double[width];
                    double[] logUniform = new double[width];
                    Arrays.fill(uniform, 1.0 / width);
                    Arrays.fill(logUniform, -Math.log(width));
                    try (Scope s = backend().newScope()) {
                        Tensor x = s.tensor(row, 1, width);
                        Tensor out = s.tensor(1, width);
                        for (float t : temperatures) {
                            double[] scaled = Reference.scaledRow(Reference.toDouble(row), width, 0, t);
                            double[] tol = Tolerances.softmaxRow(scaled, uniform);
                            double[] logTol = Tolerances.logSoftmaxRow(scaled, uniform, logUniform);
                            backend().softmax(x, t, out);
                            Check.close(name + " (softmax, T=" + t + ")", "Tolerances.softmaxRow of a uniform row",
                                    width, uniform, tol, out.toArray());
                            backend().logSoftmax(x, t, out);
                            Check.close(name + " (logSoftmax, T=" + t + ")", "Tolerances.logSoftmaxRow of a uniform row",
                                    width, logUniform, logTol, out.toArray());
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }
}
