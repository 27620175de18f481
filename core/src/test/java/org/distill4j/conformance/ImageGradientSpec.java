package org.distill4j.conformance;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import org.distill4j.backend.ConvGeometry;
import org.distill4j.backend.PoolGeometry;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The backward image ops as gradients: for the scalar loss {@code L = sum(R * out)} with a random R, each backward
 * op given {@code gradOut = R} must return dL/d(input) (and dL/dweight, dL/dbias, dL/dgamma, dL/dbeta), checked,
 * as in {@link GradientSpec}, against central finite differences of {@link ImageReference}'s float64 forward, and
 * so is the reference's own analytic gradient. batchNormBackward is checked against the whole forward
 * {@code y = gamma (x - mean) invStd + beta} with batch statistics, whose gradient includes the statistics'
 * dependence on x. Gradient outputs start full of NaN, so every element must be written.
 */
interface ImageGradientSpec extends ImageSpec {

    /** The eps of batch normalisation in these checks. */
    double BN_EPS = 1e-5;

    /** Whether a convolution case is small enough for finite differences over every input and weight. */
    static boolean smallEnoughForDifferences(ConvCase c) {
        return (long) c.rows() * c.g().inputSize() * c.g().multiplyAdds() < 5_000_000;
    }

    /** {@code rows x channels x positions} batches for batch normalisation's gradients. */
    List<int[]> BN_SHAPES = List.of(new int[] {2, 3, 4}, new int[] {1, 2, 6}, new int[] {4, 1, 3}, new int[] {3, 2, 1},
            new int[] {2, 3, 35});

    /** The kernel's gradient against finite differences of {@code loss} at x, or, with {@code loss} null, against grad alone. */
    private static void compare(String name, int cols, double[] x, ToDoubleFunction<double[]> loss, double[] grad,
                                double[] tol, float[] kernel) {
        if (loss == null) {
            Check.close(name + ", kernel gradient vs the float64 adjoint", "its Tolerances rule", cols, grad, tol, kernel);
            return;
        }
        GradientSpec.checkAgainstDifferences(name, cols, GradientSpec.finiteDifferences(x, loss),
                new LossSpec.Expected(0, 0, grad, tol), kernel);
    }

    private static double[] scaled(double[] magnitudes, java.util.function.DoubleUnaryOperator rule) {
        double[] tol = new double[magnitudes.length];
        for (int i = 0; i < tol.length; i++) {
            tol[i] = rule.applyAsDouble(magnitudes[i]);
        }
        return tol;
    }

    // ------------------------------------------------------------------ convolution

    @TestFactory
    @DisplayName("conv2dBackward: gradInput, gradWeight and gradBias are the derivatives of sum(R * conv2d) (finite differences;"
            + " the reference adjoint alone on the large cases)")
    default Stream<DynamicTest> conv2dBackwardIsDerivativeOfConv2d() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ConvCase c : CONV_CASES) {
            for (boolean withInput : new boolean[] {true, false}) {
                String name = "conv2dBackward " + c + (withInput ? "" : ", gradInput = null (a first layer)")
                        + (smallEnoughForDifferences(c) ? "" : ", against the float64 adjoint without finite differences");
                tests.add(dynamicTest(name, () -> checkConv2dBackward(name, c, withInput)));
            }
        }
        return tests.stream();
    }

    private void checkConv2dBackward(String name, ConvCase c, boolean withInput) {
        ConvGeometry g = c.g();
        int rows = c.rows();
        SplittableRandom r = Inputs.random(name);
        float[] x = Inputs.uniform(r, rows * g.inputSize(), -1, 1);
        float[] w = Inputs.uniform(r, g.outChannels() * g.patchSize(), -1, 1);
        float[] b = Inputs.uniform(r, g.outChannels(), -1, 1);
        float[] gradOut = Inputs.uniform(r, rows * g.outputSize(), -1, 1);
        float[] dx;
        float[] dw;
        float[] db;
        try (Scope s = backend().newScope()) {
            Tensor gi = withInput ? ImageSpec.nan(s, rows, g.inputSize()) : null;
            Tensor gw = ImageSpec.nan(s, g.outChannels(), g.channels(), g.kernel(), g.kernel());
            Tensor gb = ImageSpec.nan(s, g.outChannels());
            images().conv2dBackward(s.tensor(gradOut, rows, g.outputSize()), s.tensor(x, rows, g.inputSize()),
                    s.tensor(w, g.outChannels(), g.channels(), g.kernel(), g.kernel()), g, gi, gw, gb);
            dx = gi == null ? null : gi.toArray();
            dw = gw.toArray();
            db = gb.toArray();
        }
        double[] R = Reference.toDouble(gradOut);
        double[] dX = Reference.toDouble(x);
        double[] dW = Reference.toDouble(w);
        double[] dB = Reference.toDouble(b);
        ImageReference.ConvGradients ref = ImageReference.conv2dBackward(R, dX, rows, dW, g);
        boolean differences = smallEnoughForDifferences(c);
        int pixels = rows * g.outPixels();
        int perInput = g.outChannels() * g.kernel() * g.kernel();
        compare(name + ", gradWeight", g.patchSize(), dW,
                !differences ? null : v -> ImageReference.dot(R, ImageReference.conv2d(dX, rows, v, dB, g).values()),
                ref.weight().values(), scaled(ref.weight().magnitudes(), m -> Tolerances.gemm(pixels, m)), dw);
        compare(name + ", gradBias", g.outChannels(), dB,
                !differences ? null : v -> ImageReference.dot(R, ImageReference.conv2d(dX, rows, dW, v, g).values()),
                ref.bias().values(), scaled(ref.bias().magnitudes(), m -> Tolerances.reduction(pixels, m)), db);
        if (withInput) {
            compare(name + ", gradInput", g.inputSize(), dX,
                    !differences ? null : v -> ImageReference.dot(R, ImageReference.conv2d(v, rows, dW, dB, g).values()),
                    ref.input().values(), scaled(ref.input().magnitudes(), m -> Tolerances.gemm(perInput, m)), dx);
        }
    }

    // ------------------------------------------------------------------ pooling

    @TestFactory
    @DisplayName("maxPool2dBackward and avgPool2dBackward are the derivatives of sum(R * pool) (finite differences)")
    default Stream<DynamicTest> poolingBackwardIsDerivativeOfPooling() {
        List<DynamicTest> tests = new ArrayList<>();
        for (PoolCase c : POOL_CASES) {
            for (boolean max : new boolean[] {true, false}) {
                String name = (max ? "maxPool2dBackward " : "avgPool2dBackward ") + c + ", distinct random values";
                tests.add(dynamicTest(name, () -> {
                    PoolGeometry g = c.g();
                    int rows = c.rows();
                    SplittableRandom r = Inputs.random(name);
                    float[] x = Inputs.uniform(r, rows * g.inputSize(), -1, 1);
                    float[] gradOut = Inputs.uniform(r, rows * g.outputSize(), -1, 1);
                    float[] actual = runPoolBackward(gradOut, x, c, max);
                    double[] R = Reference.toDouble(gradOut);
                    double[] dX = Reference.toDouble(x);
                    if (max) {
                        ImageReference.Values ref = ImageReference.maxPoolBackward(R, dX, rows, g);
                        compare(name, g.inputSize(), dX, v -> ImageReference.dot(R, ImageReference.maxPool(v, rows, g)),
                                ref.values(), maxPoolBackwardTolerance(ref, ImageReference.maxPoolWinners(dX, rows, g)), actual);
                    } else {
                        ImageReference.Values ref = ImageReference.avgPoolBackward(R, rows, g);
                        int n = g.kernelHeight() * g.kernelWidth();
                        compare(name, g.inputSize(), dX, v -> ImageReference.dot(R, ImageReference.avgPool(v, rows, g).values()),
                                ref.values(), scaled(ref.magnitudes(), m -> Tolerances.average(n, m)), actual);
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("maxPool2dBackward: on ties the gradient goes to the first largest input in scan order, as maxPool2d took it")
    default Stream<DynamicTest> maxPool2dBackwardRoutesTiesToTheFirstMaximum() {
        List<DynamicTest> tests = new ArrayList<>();
        for (PoolCase c : POOL_CASES) {
            String name = "maxPool2dBackward " + c + ", " + ValueKind.TIES.description;
            tests.add(dynamicTest(name, () -> {
                SplittableRandom r = Inputs.random(name);
                float[] x = ValueKind.TIES.input(r, c.rows() * c.g().inputSize(), true);
                float[] gradOut = Inputs.uniform(r, c.rows() * c.g().outputSize(), -1, 1);
                float[] actual = runPoolBackward(gradOut, x, c, true);
                double[] dX = Reference.toDouble(x);
                ImageReference.Values ref = ImageReference.maxPoolBackward(Reference.toDouble(gradOut), dX, c.rows(), c.g());
                Check.close(name, "exact where one window picks an input, Tolerances.reduction where several do",
                        c.g().inputSize(), ref.values(), maxPoolBackwardTolerance(ref, ImageReference.maxPoolWinners(dX, c.rows(), c.g())),
                        actual);
            }));
        }
        return tests.stream();
    }

    private static double[] maxPoolBackwardTolerance(ImageReference.Values ref, int[] winners) {
        double[] tol = new double[winners.length];
        for (int i = 0; i < tol.length; i++) {
            tol[i] = winners[i] <= 1 ? 0 : Tolerances.reduction(winners[i], ref.magnitudes()[i]);
        }
        return tol;
    }

    default float[] runPoolBackward(float[] gradOut, float[] x, PoolCase c, boolean max) {
        try (Scope s = backend().newScope()) {
            Tensor dy = s.tensor(gradOut, c.rows(), c.g().outputSize());
            Tensor dx = ImageSpec.nan(s, c.rows(), c.g().inputSize());
            if (max) {
                images().maxPool2dBackward(dy, s.tensor(x, c.rows(), c.g().inputSize()), c.g(), dx);
            } else {
                images().avgPool2dBackward(dy, c.g(), dx);
            }
            return dx.toArray();
        }
    }

    // ------------------------------------------------------------------ batch normalisation

    @TestFactory
    @DisplayName("batchNormBackward: gradIn, gradGamma, gradBeta are the derivatives of sum(R * batchNorm) with batch statistics")
    default Stream<DynamicTest> batchNormBackwardIsDerivativeOfBatchNorm() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int[] shape : BN_SHAPES) {
            for (boolean withInput : new boolean[] {true, false}) {
                String name = "batchNormBackward " + Inputs.shape(shape) + " (rows x channels x positions), eps " + BN_EPS
                        + (withInput ? "" : ", gradIn = null");
                tests.add(dynamicTest(name, () -> checkBatchNormBackward(name, shape, withInput)));
            }
        }
        return tests.stream();
    }

    private void checkBatchNormBackward(String name, int[] shape, boolean withInput) {
        int rows = shape[0];
        int channels = shape[1];
        int spatial = shape[2];
        int cols = channels * spatial;
        SplittableRandom r = Inputs.random(name);
        float[] x = Inputs.gaussian(r, rows * cols, 2);
        for (int i = 0; i < x.length; i++) {
            x[i] += 0.5f;
        }
        float[] gamma = Inputs.uniform(r, channels, -2, 2);
        float[] beta = Inputs.uniform(r, channels, -1, 1);
        float[] gradOut = Inputs.uniform(r, rows * cols, -1, 1);
        double[] dX = Reference.toDouble(x);
        double[] dG = Reference.toDouble(gamma);
        double[] dBeta = Reference.toDouble(beta);
        double[] R = Reference.toDouble(gradOut);
        double[][] moments = ImageReference.channelMoments(dX, rows, channels);
        double[] invStd = ImageReference.invStd(moments[1], BN_EPS);
        float[] meanF = new float[channels];
        float[] invStdF = new float[channels];
        for (int c = 0; c < channels; c++) {
            meanF[c] = (float) moments[0][c];
            invStdF[c] = (float) invStd[c];
        }
        float[] dx;
        float[] dgamma;
        float[] dbeta;
        try (Scope s = backend().newScope()) {
            Tensor gi = withInput ? ImageSpec.nan(s, rows, cols) : null;
            Tensor gg = ImageSpec.nan(s, channels);
            Tensor gb = ImageSpec.nan(s, channels);
            images().batchNormBackward(s.tensor(gradOut, rows, cols), s.tensor(x, rows, cols), channels,
                    s.tensor(meanF, channels), s.tensor(invStdF, channels), s.tensor(gamma, channels), gi, gg, gb);
            dx = gi == null ? null : gi.toArray();
            dgamma = gg.toArray();
            dbeta = gb.toArray();
        }
        ImageReference.BatchNormGradients ref = ImageReference.batchNormBackward(R, dX, rows, channels, moments[0], invStd, dG);
        long m = (long) rows * spatial;
        double[] xhat = new double[x.length];
        double[] meanAbsDy = new double[channels];
        double[] meanAbsDyXhat = new double[channels];
        double[] gammaTol = new double[channels];
        double[] betaTol = new double[channels];
        for (int i = 0; i < x.length; i++) {
            int c = (i % cols) / spatial;
            xhat[i] = (Math.abs(dX[i] - moments[0][c]) + Math.abs(moments[0][c])) * invStd[c];
            meanAbsDy[c] += Math.abs(R[i]) / m;
            meanAbsDyXhat[c] += Math.abs(R[i]) * xhat[i] / m;
        }
        for (int c = 0; c < channels; c++) {
            betaTol[c] = Tolerances.reduction(m, m * meanAbsDy[c]);
            gammaTol[c] = Tolerances.reduction(m + 4, m * meanAbsDyXhat[c]);
        }
        compare(name + ", gradGamma", channels, dG,
                v -> ImageReference.dot(R, ImageReference.batchNorm(dX, rows, channels, v, dBeta, BN_EPS)),
                ref.gamma(), gammaTol, dgamma);
        compare(name + ", gradBeta", channels, dBeta,
                v -> ImageReference.dot(R, ImageReference.batchNorm(dX, rows, channels, dG, v, BN_EPS)),
                ref.beta(), betaTol, dbeta);
        if (withInput) {
            double[] tol = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                int c = (i % cols) / spatial;
                tol[i] = Tolerances.batchNormInput(m, Math.abs(dG[c]) * invStd[c], Math.abs(R[i]), meanAbsDy[c], xhat[i],
                        meanAbsDyXhat[c]);
            }
            compare(name + ", gradIn", cols, dX,
                    v -> ImageReference.dot(R, ImageReference.batchNorm(v, rows, channels, dG, dBeta, BN_EPS)),
                    ref.input(), tol, dx);
        }
    }
}
