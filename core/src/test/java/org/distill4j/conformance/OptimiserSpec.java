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

/**
 * sgdUpdate and adamUpdate over several steps, and maxNormColumns. Each step is checked against a
 * float64 step taken from the kernel's own state before it (so rounding does not accumulate into
 * the comparison); a later stage of a step (the parameter) is computed from the kernel's earlier
 * stage (its new velocity or moments), which is checked first.
 */
interface OptimiserSpec extends ConformanceContext {

    int[] OPTIMISER_SIZES = {1, 15, 17, 65, 1000};
    int STEPS = 5;

    record Sgd(float lr, float momentum, float weightDecay, boolean nesterov, double gradScale, boolean resumed) {
        @Override
        public String toString() {
            return "lr=" + lr + " momentum=" + momentum + " weightDecay=" + weightDecay + " nesterov=" + nesterov
                    + (gradScale != 1 ? ", gradients of " + gradScale : "") + (resumed ? ", resumed with a random velocity" : "");
        }
    }

    List<Sgd> SGD_CASES = List.of(
            new Sgd(0.1f, 0f, 0f, false, 1, false),
            new Sgd(0.1f, 0.9f, 0f, false, 1, false),
            new Sgd(0.05f, 0.9f, 5e-4f, false, 1, true),
            new Sgd(0.1f, 0.9f, 1e-4f, true, 1, false),
            new Sgd(0.5f, 0.5f, 0.01f, true, 1e4, true));

    @TestFactory
    @DisplayName("sgdUpdate: velocity = momentum v + grad + wd param; param -= lr (nesterov ? g + momentum v : v), step by step")
    default Stream<DynamicTest> sgdUpdateFollowsPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Sgd c : SGD_CASES) {
            for (int n : OPTIMISER_SIZES) {
                String name = "sgdUpdate [" + n + "] " + c;
                tests.add(dynamicTest(name, () -> checkSgd(name, c, n)));
            }
        }
        return tests.stream();
    }

    private void checkSgd(String name, Sgd c, int n) {
        SplittableRandom r = Inputs.random(name);
        try (Scope s = backend().newScope()) {
            Tensor param = s.tensor(Inputs.uniform(r, n, -1, 1), n);
            Tensor velocity = s.tensor(c.resumed() ? Inputs.uniform(r, n, -0.5, 0.5) : new float[n], n);
            Tensor grad = s.tensor(n);
            for (int step = 1; step <= STEPS; step++) {
                float[] g = Inputs.uniform(r, n, -c.gradScale(), c.gradScale());
                grad.copyFrom(g);
                float[] p0 = param.toArray();
                float[] v0 = velocity.toArray();
                backend().sgdUpdate(param, grad, velocity, c.lr(), c.momentum(), c.weightDecay(), c.nesterov());
                float[] v1 = velocity.toArray();
                double[] expectedV = new double[n];
                double[] tolV = new double[n];
                double[] expectedP = new double[n];
                double[] tolP = new double[n];
                for (int i = 0; i < n; i++) {
                    double decayed = (double) c.weightDecay() * p0[i];
                    expectedV[i] = (double) c.momentum() * v0[i] + g[i] + decayed;
                    tolV[i] = Tolerances.formula(Math.abs((double) c.momentum() * v0[i]) + Math.abs(g[i]) + Math.abs(decayed));
                    double direction = c.nesterov() ? g[i] + decayed + (double) c.momentum() * v1[i] : v1[i];
                    double absDirection = c.nesterov()
                            ? Math.abs(g[i]) + Math.abs(decayed) + Math.abs((double) c.momentum() * v1[i]) : Math.abs(v1[i]);
                    expectedP[i] = p0[i] - (double) c.lr() * direction;
                    tolP[i] = Tolerances.formula(Math.abs(p0[i]) + Math.abs(c.lr()) * absDirection);
                }
                Check.close(name + ", step " + step + ", velocity", "Tolerances.formula", 1, expectedV, tolV, v1);
                Check.close(name + ", step " + step + ", param (from the kernel's velocity)", "Tolerances.formula",
                        1, expectedP, tolP, param.toArray());
            }
        }
    }

    record Adam(float lr, float beta1, float beta2, float eps, float weightDecay, int firstStep, boolean sparse) {
        @Override
        public String toString() {
            return "lr=" + lr + " beta1=" + beta1 + " beta2=" + beta2 + " eps=" + eps + " weightDecay=" + weightDecay
                    + (firstStep > 1 ? ", resumed at step " + firstStep + " with random moments" : ", from step 1")
                    + (sparse ? ", half the gradients exactly 0" : "");
        }
    }

    List<Adam> ADAM_CASES = List.of(
            new Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1, false),
            new Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, 1, false),
            new Adam(0.05f, 0.5f, 0.9f, 1e-6f, 0f, 1, false),
            new Adam(1e-2f, 0f, 0.99f, 1e-8f, 0f, 1, false),
            new Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1000, false),
            new Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1, true));

    @TestFactory
    @DisplayName("adamUpdate: PyTorch's Adam with L2 weight decay and bias correction, step by step")
    default Stream<DynamicTest> adamUpdateFollowsPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Adam c : ADAM_CASES) {
            for (int n : OPTIMISER_SIZES) {
                String name = "adamUpdate [" + n + "] " + c;
                tests.add(dynamicTest(name, () -> checkAdam(name, c, n)));
            }
        }
        return tests.stream();
    }

    private void checkAdam(String name, Adam c, int n) {
        SplittableRandom r = Inputs.random(name);
        boolean resumed = c.firstStep() > 1;
        try (Scope s = backend().newScope()) {
            Tensor param = s.tensor(Inputs.uniform(r, n, -1, 1), n);
            Tensor m = s.tensor(resumed ? Inputs.uniform(r, n, -0.1, 0.1) : new float[n], n);
            Tensor v = s.tensor(resumed ? Inputs.uniform(r, n, 0, 0.01) : new float[n], n);
            Tensor grad = s.tensor(n);
            double b1 = c.beta1();
            double b2 = c.beta2();
            for (int step = c.firstStep(); step < c.firstStep() + STEPS; step++) {
                float[] g = Inputs.uniform(r, n, -1, 1);
                if (c.sparse()) {
                    for (int i = 0; i < n; i += 2) {
                        g[i] = 0;
                    }
                }
                grad.copyFrom(g);
                float[] p0 = param.toArray();
                float[] m0 = m.toArray();
                float[] v0 = v.toArray();
                backend().adamUpdate(param, grad, m, v, c.lr(), c.beta1(), c.beta2(), c.eps(), c.weightDecay(), step);
                float[] m1 = m.toArray();
                float[] v1 = v.toArray();
                double bias1 = 1 - Math.pow(b1, step);
                double bias2 = 1 - Math.pow(b2, step);
                double[] expectedM = new double[n];
                double[] tolM = new double[n];
                double[] expectedV = new double[n];
                double[] tolV = new double[n];
                double[] expectedP = new double[n];
                double[] tolP = new double[n];
                for (int i = 0; i < n; i++) {
                    double decayed = (double) c.weightDecay() * p0[i];
                    double gi = g[i] + decayed;
                    double absG = Math.abs(g[i]) + Math.abs(decayed);
                    expectedM[i] = b1 * m0[i] + (1 - b1) * gi;
                    tolM[i] = Tolerances.formula(b1 * Math.abs(m0[i]) + (1 - b1) * absG);
                    expectedV[i] = b2 * v0[i] + (1 - b2) * gi * gi;
                    tolV[i] = Tolerances.formula(b2 * v0[i] + (1 - b2) * absG * absG);
                    double update = Reference.adamStep(m1[i], v1[i], c.lr(), b1, b2, c.eps(), step);
                    expectedP[i] = p0[i] - update;
                    tolP[i] = Tolerances.adamParam(p0[i], update, bias1, bias2);
                }
                String at = name + ", step " + step;
                Check.close(at + ", first moment m", "Tolerances.formula", 1, expectedM, tolM, m1);
                Check.close(at + ", second moment v", "Tolerances.formula", 1, expectedV, tolV, v1);
                Check.close(at + ", param (from the kernel's m and v)", "Tolerances.adamParam", 1, expectedP, tolP,
                        param.toArray());
            }
        }
    }

    @TestFactory
    @DisplayName("maxNormColumns: columns with L2 norm above maxNorm are scaled to maxNorm, others (and zero columns) kept")
    default Stream<DynamicTest> maxNormColumnsClampsColumnNorms() {
        List<int[]> shapes = List.of(new int[] {1, 1}, new int[] {3, 17}, new int[] {33, 15}, new int[] {130, 65},
                new int[] {17, 33});
        double[] columnScales = {0, 0.01, 0.5, 1, 10, 1e4};
        List<DynamicTest> tests = new ArrayList<>();
        for (int[] shape : shapes) {
            for (float maxNorm : new float[] {1f, 3.5f}) {
                int rows = shape[0];
                int cols = shape[1];
                String name = "maxNormColumns " + Inputs.shape(shape) + " maxNorm=" + maxNorm
                        + ", columns scaled by 0 (all zero), 0.01, 0.5, 1, 10, 1e4 in turn";
                tests.add(dynamicTest(name, () -> {
                    float[] w = Inputs.uniform(Inputs.random(name), rows * cols, -1, 1);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            w[i * cols + j] *= (float) columnScales[(j + 1) % columnScales.length];
                        }
                    }
                    try (Scope s = backend().newScope()) {
                        Tensor weights = s.tensor(w, rows, cols);
                        backend().maxNormColumns(weights, maxNorm);
                        double[] expected = Reference.maxNormColumns(Reference.toDouble(w), rows, cols, maxNorm);
                        double[] tol = new double[w.length];
                        for (int i = 0; i < w.length; i++) {
                            tol[i] = Tolerances.reduction(rows, Math.abs(w[i]));
                        }
                        Check.close(name, "Tolerances.reduction over the column, relative to |w|", cols, expected, tol,
                                weights.toArray());
                    }
                }));
            }
        }
        return tests.stream();
    }
}
