package org.distill4j.conformance;

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

/** relu, reluBackward and dropout. */
interface ActivationSpec extends ConformanceContext {

    /** Values around zero: signed zeros, tiny and large magnitudes. */
    private static float[] signedValues(SplittableRandom r, int n) {
        float[] x = Inputs.uniform(r, n, -5, 5);
        float[] specials = {0f, -0f, 1e-30f, -1e-30f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i < n; i += 3) {
            x[i] = specials[(i / 3) % specials.length];
        }
        return x;
    }

    @TestFactory
    @DisplayName("relu: out = max(x, 0), into another tensor or in place")
    default Stream<DynamicTest> reluClampsNegativesToZero() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int n : Inputs.SIZES) {
            for (boolean inPlace : new boolean[] {false, true}) {
                String name = "relu x[" + n + "]" + (inPlace ? " in place" : "");
                tests.add(dynamicTest(name, () -> {
                    float[] xs = signedValues(Inputs.random(name), n);
                    try (Scope s = backend().newScope()) {
                        Tensor x = s.tensor(xs, n);
                        Tensor out = inPlace ? x : s.tensor(n);
                        backend().relu(x, out);
                        double[] expected = new double[n];
                        for (int i = 0; i < n; i++) {
                            expected[i] = Math.max(xs[i], 0);
                        }
                        Check.close(name, "exact", 1, expected, new double[n], out.toArray());
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("reluBackward: gradIn = x > 0 ? gradOut : 0 (zero where x is exactly 0), also in place")
    default Stream<DynamicTest> reluBackwardPassesGradientWherePositive() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int n : Inputs.SIZES) {
            for (boolean inPlace : new boolean[] {false, true}) {
                String name = "reluBackward [" + n + "]" + (inPlace ? " with gradIn = gradOut" : "");
                tests.add(dynamicTest(name, () -> {
                    SplittableRandom r = Inputs.random(name);
                    float[] xs = signedValues(r, n);
                    float[] gs = Inputs.uniform(r, n, -3, 3);
                    try (Scope s = backend().newScope()) {
                        Tensor x = s.tensor(xs, n);
                        Tensor gradOut = s.tensor(gs, n);
                        Tensor gradIn = inPlace ? gradOut : s.tensor(n);
                        backend().reluBackward(gradOut, x, gradIn);
                        double[] expected = new double[n];
                        for (int i = 0; i < n; i++) {
                            expected[i] = xs[i] > 0 ? gs[i] : 0;
                        }
                        Check.close(name, "exact", 1, expected, new double[n], gradIn.toArray());
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @DisplayName("dropout: the mask is exactly u(seed, i) >= p ? 1/(1-p) : 0 from DropoutRng, and out = x * mask")
    default Stream<DynamicTest> dropoutMaskFollowsDropoutRng() {
        long[] seeds = {0L, 1L, 42L, -7L, 0x123456789ABCDEFL};
        float[] probabilities = {0f, 0.2f, 0.5f, 0.9f};
        List<int[]> shapes = List.of(new int[] {1}, new int[] {17}, new int[] {65}, new int[] {1000}, new int[] {3, 5, 7});
        List<DynamicTest> tests = new ArrayList<>();
        for (long seed : seeds) {
            for (float p : probabilities) {
                for (int[] shape : shapes) {
                    boolean inPlace = seed == 42L;
                    String name = "dropout x" + Inputs.shape(shape) + " p=" + p + " seed=" + seed
                            + (inPlace ? " with out = x" : "");
                    tests.add(dynamicTest(name, () -> checkDropout(name, shape, p, seed, inPlace)));
                }
            }
        }
        return tests.stream();
    }

    private void checkDropout(String name, int[] shape, float p, long seed, boolean inPlace) {
        int n = LinearAlgebraSpec.sizeOf(shape);
        float[] xs = Inputs.uniform(Inputs.random(name), n, -4, 4);
        try (Scope s = backend().newScope()) {
            Tensor x = s.tensor(xs, shape);
            Tensor mask = s.tensor(shape);
            Tensor out = inPlace ? x : s.tensor(shape);
            backend().dropout(x, mask, out, p, seed);
            double[] expectedMask = Reference.dropoutMask(n, p, seed);
            double[] maskTol = new double[n];
            double[] expectedOut = new double[n];
            double[] outTol = new double[n];
            for (int i = 0; i < n; i++) {
                maskTol[i] = Tolerances.formula(expectedMask[i]);
                expectedOut[i] = xs[i] * expectedMask[i];
                outTol[i] = Tolerances.formula(Math.abs(expectedOut[i]));
            }
            Check.close(name + ", mask", "keep/drop pattern exact, kept value within Tolerances.formula",
                    1, expectedMask, maskTol, mask.toArray());
            Check.close(name + ", out", "Tolerances.formula", 1, expectedOut, outTol, out.toArray());
        }
    }
}
