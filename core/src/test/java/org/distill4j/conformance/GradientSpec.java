package org.distill4j.conformance;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each loss kernel's gradient against central finite differences of the float64 reference loss
 * (times the weight), so the loss and its gradient are checked for consistency and not only against
 * the analytic formula. The analytic reference gradient is checked against the same differences.
 */
interface GradientSpec extends LossSpec {

    List<int[]> FD_SHAPES = List.of(new int[] {1, 4}, new int[] {3, 5}, new int[] {2, 7}, new int[] {4, 3});

    /** Central differences of {@code loss} at {@code x}, one element at a time, in float64. */
    static double[] finiteDifferences(double[] x, ToDoubleFunction<double[]> loss) {
        double[] g = new double[x.length];
        for (int e = 0; e < x.length; e++) {
            double h = Tolerances.FD_STEP * Math.max(1, Math.abs(x[e]));
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[e] += h;
            minus[e] -= h;
            g[e] = (loss.applyAsDouble(plus) - loss.applyAsDouble(minus)) / (plus[e] - minus[e]);
        }
        return g;
    }

    /** Checks the reference gradient and the kernel gradient against the finite differences. */
    static void checkAgainstDifferences(String name, int cols, double[] differences, Expected expected, float[] kernelGrad) {
        double largest = 0;
        for (double d : differences) {
            largest = Math.max(largest, Math.abs(d));
        }
        double[] referenceTol = new double[differences.length];
        double[] kernelTol = new double[differences.length];
        for (int e = 0; e < differences.length; e++) {
            referenceTol[e] = Tolerances.finiteDifference(0, largest);
            kernelTol[e] = Tolerances.finiteDifference(expected.gradTolerance()[e], largest);
        }
        Check.close(name + ", float64 analytic gradient vs finite differences", "Tolerances.FD_RTOL of the largest element",
                cols, differences, referenceTol, expected.grad());
        Check.close(name + ", kernel gradient vs finite differences", "Tolerances.finiteDifference",
                cols, differences, kernelTol, kernelGrad);
    }

    @TestFactory
    @DisplayName("crossEntropy's gradient is the derivative of its loss (finite differences of the float64 reference)")
    default Stream<DynamicTest> crossEntropyGradientIsDerivativeOfLoss() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int[] shape : FD_SHAPES) {
            for (float weight : new float[] {1f, -0.7f}) {
                int rows = shape[0];
                int cols = shape[1];
                String name = "crossEntropy " + Inputs.shape(shape) + " weight=" + weight + ", row 1 unlabelled";
                tests.add(dynamicTest(name, () -> {
                    SplittableRandom r = Inputs.random(name);
                    float[] logits = Inputs.gaussian(r, rows * cols, 2);
                    int[] labels = new int[rows];
                    for (int i = 0; i < rows; i++) {
                        labels[i] = i == 1 ? -1 : r.nextInt(cols);
                    }
                    Result result = runCrossEntropy(logits, shape, labels, weight);
                    double[] differences = finiteDifferences(Reference.toDouble(logits),
                            z -> weight * Reference.crossEntropy(z, rows, cols, labels, 1).loss());
                    checkAgainstDifferences(name, cols, differences,
                            LossSpec.expectedCrossEntropy(logits, rows, cols, labels, weight), result.grad());
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("softTargetLoss's gradient is the derivative of weight * loss (finite differences of the float64 reference)")
    default Stream<DynamicTest> softTargetGradientIsDerivativeOfLoss() {
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (int[] shape : FD_SHAPES) {
            for (float t : new float[] {1f, 2.5f, 4f, 20f}) {
                float weight = index++ % 2 == 0 ? 1f : 0.4f;
                int rows = shape[0];
                int cols = shape[1];
                String name = "softTargetLoss " + Inputs.shape(shape) + " T=" + t + " weight=" + weight;
                tests.add(dynamicTest(name, () -> {
                    SplittableRandom r = Inputs.random(name);
                    float[] student = Inputs.gaussian(r, rows * cols, 2);
                    float[] teacher = Inputs.gaussian(r, rows * cols, 2);
                    Result result = runSoftTarget(student, teacher, shape, t, weight);
                    double[] zt = Reference.toDouble(teacher);
                    double[] differences = finiteDifferences(Reference.toDouble(student),
                            zs -> weight * Reference.softTarget(zs, zt, rows, cols, t, 1).loss());
                    checkAgainstDifferences(name, cols, differences,
                            LossSpec.expectedSoftTarget(student, teacher, rows, cols, t, weight), result.grad());
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("mseLoss's gradient is the derivative of weight * loss (finite differences of the float64 reference)")
    default Stream<DynamicTest> mseGradientIsDerivativeOfLoss() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int[] shape : FD_SHAPES) {
            for (float weight : new float[] {1f, 2.5f}) {
                int rows = shape[0];
                String name = "mseLoss " + Inputs.shape(shape) + " weight=" + weight;
                tests.add(dynamicTest(name, () -> {
                    SplittableRandom r = Inputs.random(name);
                    float[] a = Inputs.gaussian(r, rows * shape[1], 2);
                    float[] b = Inputs.gaussian(r, rows * shape[1], 2);
                    Result result = runMse(a, b, shape, weight);
                    double[] db = Reference.toDouble(b);
                    double[] differences = finiteDifferences(Reference.toDouble(a),
                            da -> weight * Reference.mse(da, db, rows, 1).loss());
                    checkAgainstDifferences(name, shape[1], differences, LossSpec.expectedMse(a, b, rows, weight), result.grad());
                }));
            }
        }
        return tests.stream();
    }
}
