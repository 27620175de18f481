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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * crossEntropy, softTargetLoss and mseLoss: the loss value and {@code weight * dLoss/dLogits} against
 * the float64 reference, on random and adversarial batches, and on tiny cases worked out by hand.
 * Gradients are also checked against finite differences in {@link GradientSpec}.
 */
interface LossSpec extends ConformanceContext {

    /** The reference loss and gradient of a case, each with its tolerance. */
    record Expected(double loss, double lossTolerance, double[] grad, double[] gradTolerance) {
    }

    /** A loss kernel's results: the one-element loss and the gradient. */
    record Result(double loss, float[] grad) {
    }

    float[] WEIGHTS = {1f, 0.3f, 2.5f, -0.7f};

    // ------------------------------------------------------------------ expected values

    static Expected expectedCrossEntropy(float[] logits, int rows, int cols, int[] labels, float weight) {
        double[] z = Reference.toDouble(logits);
        Reference.Loss ref = Reference.crossEntropy(z, rows, cols, labels, weight);
        double rowTolerances = 0;
        double absRowLosses = 0;
        double[] gradTol = new double[z.length];
        for (int i = 0; i < rows; i++) {
            if (labels[i] < 0) {
                continue;
            }
            double[] s = Reference.scaledRow(z, cols, i, 1);
            double[] p = Reference.softmax(s);
            double[] logp = Reference.logSoftmax(s);
            double[] tolP = Tolerances.softmaxRow(s, p);
            rowTolerances += Tolerances.logSoftmaxRow(s, p, logp)[labels[i]];
            absRowLosses += Math.abs(logp[labels[i]]);
            for (int j = 0; j < cols; j++) {
                int at = i * cols + j;
                gradTol[at] = Math.abs(weight) / rows * tolP[j] + Tolerances.formula(Math.abs(ref.grad()[at]));
            }
        }
        double lossTol = rowTolerances / rows + Tolerances.reduction(rows, absRowLosses / rows);
        return new Expected(ref.loss(), lossTol, ref.grad(), gradTol);
    }

    static Expected expectedSoftTarget(float[] student, float[] teacher, int rows, int cols, float temperature,
                                       float weight) {
        double[] zs = Reference.toDouble(student);
        double[] zt = Reference.toDouble(teacher);
        Reference.Loss ref = Reference.softTarget(zs, zt, rows, cols, temperature, weight);
        double t2n = (double) temperature * temperature / rows;
        double gradScale = Math.abs((double) weight * temperature / rows);
        double rowTolerances = 0;
        double absRowLosses = 0;
        double[] gradTol = new double[zs.length];
        for (int i = 0; i < rows; i++) {
            double[] sq = Reference.scaledRow(zs, cols, i, temperature);
            double[] st = Reference.scaledRow(zt, cols, i, temperature);
            double[] q = Reference.softmax(sq);
            double[] p = Reference.softmax(st);
            double[] logQ = Reference.logSoftmax(sq);
            double[] logP = Reference.logSoftmax(st);
            double[] tolQ = Tolerances.softmaxRow(sq, q);
            double[] tolP = Tolerances.softmaxRow(st, p);
            double[] tolLogQ = Tolerances.logSoftmaxRow(sq, q, logQ);
            double[] tolLogP = Tolerances.logSoftmaxRow(st, p, logP);
            double rowLoss = 0;
            double absTerms = 0;
            for (int j = 0; j < cols; j++) {
                int at = i * cols + j;
                if (p[j] > 0) {
                    double term = p[j] * (logP[j] - logQ[j]);
                    rowLoss += term;
                    absTerms += Math.abs(term);
                    rowTolerances += p[j] * (tolLogP[j] + tolLogQ[j]) + tolP[j] * Math.abs(logP[j] - logQ[j]);
                }
                gradTol[at] = gradScale * (tolQ[j] + tolP[j]) + Tolerances.formula(Math.abs(ref.grad()[at]));
            }
            rowTolerances += Tolerances.reduction(cols, absTerms);
            absRowLosses += Math.abs(rowLoss);
        }
        double lossTol = t2n * rowTolerances + Tolerances.reduction(rows, t2n * absRowLosses);
        return new Expected(ref.loss(), lossTol, ref.grad(), gradTol);
    }

    static Expected expectedMse(float[] a, float[] b, int rows, float weight) {
        Reference.Loss ref = Reference.mse(Reference.toDouble(a), Reference.toDouble(b), rows, weight);
        double[] gradTol = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            gradTol[i] = Tolerances.formula(Math.abs(weight) / rows * (Math.abs(a[i]) + Math.abs(b[i])));
        }
        return new Expected(ref.loss(), Tolerances.reduction(a.length + 2L, ref.loss()), ref.grad(), gradTol);
    }

    // ------------------------------------------------------------------ running the kernels

    /** Runs crossEntropy with the gradient and loss tensors pre-filled with NaN (every element must be written). */
    default Result runCrossEntropy(float[] logits, int[] shape, int[] labels, float weight) {
        try (Scope s = backend().newScope()) {
            Tensor z = s.tensor(logits, shape);
            float[] labelValues = new float[labels.length];
            for (int i = 0; i < labels.length; i++) {
                labelValues[i] = labels[i];
            }
            Tensor y = s.tensor(labelValues, labels.length);
            Tensor grad = s.tensor(shape);
            Tensor loss = s.tensor(1);
            backend().fill(grad, Float.NaN);
            backend().fill(loss, Float.NaN);
            backend().crossEntropy(z, y, weight, grad, loss);
            return new Result(loss.toArray()[0], grad.toArray());
        }
    }

    default Result runSoftTarget(float[] student, float[] teacher, int[] shape, float temperature, float weight) {
        try (Scope s = backend().newScope()) {
            Tensor zs = s.tensor(student, shape);
            Tensor zt = s.tensor(teacher, shape);
            Tensor grad = s.tensor(shape);
            Tensor loss = s.tensor(1);
            backend().fill(grad, Float.NaN);
            backend().fill(loss, Float.NaN);
            backend().softTargetLoss(zs, zt, temperature, weight, grad, loss);
            return new Result(loss.toArray()[0], grad.toArray());
        }
    }

    default Result runMse(float[] a, float[] b, int[] shape, float weight) {
        try (Scope s = backend().newScope()) {
            Tensor ta = s.tensor(a, shape);
            Tensor tb = s.tensor(b, shape);
            Tensor grad = s.tensor(shape);
            Tensor loss = s.tensor(1);
            backend().fill(grad, Float.NaN);
            backend().fill(loss, Float.NaN);
            backend().mseLoss(ta, tb, weight, grad, loss);
            return new Result(loss.toArray()[0], grad.toArray());
        }
    }

    static void checkLoss(String name, String rule, int cols, Expected expected, Result actual) {
        Check.close(name + ", loss", rule, expected.loss(), expected.lossTolerance(), actual.loss());
        Check.close(name + ", gradient", rule, cols, expected.grad(), expected.gradTolerance(), actual.grad());
    }

    // ------------------------------------------------------------------ cross-entropy

    /**
     * Labels for a batch: every 4th row unlabelled (-1); in adversarial batches the row's argmax
     * (the dominant or only finite entry), and rows of all {@code -inf} unlabelled.
     */
    static int[] labelsFor(SplittableRandom r, float[] logits, int rows, int cols, Inputs.Logits kind) {
        int[] argmax = Reference.argmaxRows(logits, rows, cols);
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            boolean allNegativeInfinity = logits[i * cols + argmax[i]] == Float.NEGATIVE_INFINITY;
            if ((rows > 1 && i % 4 == 3) || allNegativeInfinity) {
                labels[i] = -1;
            } else {
                labels[i] = kind == Inputs.Logits.MIXED ? argmax[i] : r.nextInt(cols);
            }
        }
        return labels;
    }

    @TestFactory
    @DisplayName("crossEntropy: mean over all N rows of -log softmax(z)[y], unlabelled rows (-1) add nothing and get zero gradient")
    default Stream<DynamicTest> crossEntropyMatchesReference() {
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (Inputs.Logits kind : Inputs.Logits.values()) {
            for (int[] shape : Inputs.ROW_SHAPES) {
                float weight = WEIGHTS[index++ % WEIGHTS.length];
                String name = "crossEntropy z" + Inputs.shape(shape) + " weight=" + weight + ", " + kind.description
                        + ", every 4th row unlabelled";
                tests.add(dynamicTest(name, () -> {
                    SplittableRandom r = Inputs.random(name);
                    float[] logits = kind.lossBatch(r, shape[0], shape[1]);
                    int[] labels = labelsFor(r, logits, shape[0], shape[1], kind);
                    checkLoss(name, "Tolerances.logSoftmaxRow / softmaxRow", shape[1],
                            expectedCrossEntropy(logits, shape[0], shape[1], labels, weight),
                            runCrossEntropy(logits, shape, labels, weight));
                }));
            }
        }
        String name = "crossEntropy z[5x7], every row unlabelled: loss 0, gradient 0";
        tests.add(dynamicTest(name, () -> {
            float[] logits = Inputs.gaussian(Inputs.random(name), 35, 3);
            int[] labels = {-1, -1, -1, -1, -1};
            checkLoss(name, "exact zero", 7, expectedCrossEntropy(logits, 5, 7, labels, 1f),
                    runCrossEntropy(logits, new int[] {5, 7}, labels, 1f));
        }));
        return tests.stream();
    }

    @Test
    @DisplayName("crossEntropy by hand: uniform logits over 4 classes cost ln 4, gradient (p - onehot) / N")
    default void crossEntropyByHand() {
        float[] logits = {0, 0, 0, 0, 5, 1, 2, 3};
        Result result = runCrossEntropy(logits, new int[] {2, 4}, new int[] {2, -1}, 1f);
        double ln4 = 1.3862943611198906;
        Check.close("crossEntropy [[0,0,0,0],[5,1,2,3]] labels [2,-1], loss", "Tolerances.HAND_CASE",
                ln4 / 2, Tolerances.HAND_CASE, result.loss());
        double[] grad = {0.125, 0.125, -0.375, 0.125, 0, 0, 0, 0};
        Check.close("crossEntropy [[0,0,0,0],[5,1,2,3]] labels [2,-1], gradient", "Tolerances.HAND_CASE",
                4, grad, filled(8, Tolerances.HAND_CASE), result.grad());
    }

    // ------------------------------------------------------------------ soft targets

    /** Student/teacher pairs for softTargetLoss. */
    enum SoftTargets {
        RANDOM("independent random student and teacher (sigma 3)"),
        LARGE("student and teacher uniform +-1e4"),
        SAME("student equals teacher: loss 0, gradient 0"),
        ADVERSARIAL("adversarial teacher rows (p = 0 entries, -inf, all -inf), random student, -inf where the teacher is -inf in even rows");

        final String description;

        SoftTargets(String description) {
            this.description = description;
        }

        /** {@code {student, teacher}}. */
        float[][] batch(SplittableRandom r, int rows, int cols) {
            return switch (this) {
                case RANDOM -> new float[][] {Inputs.gaussian(r, rows * cols, 3), Inputs.gaussian(r, rows * cols, 3)};
                case LARGE -> new float[][] {Inputs.uniform(r, rows * cols, -1e4, 1e4), Inputs.uniform(r, rows * cols, -1e4, 1e4)};
                case SAME -> {
                    float[] z = Inputs.Logits.MIXED.lossBatch(r, rows, cols);
                    yield new float[][] {z.clone(), z};
                }
                case ADVERSARIAL -> {
                    float[] teacher = Inputs.Logits.MIXED.lossBatch(r, rows, cols);
                    float[] student = Inputs.gaussian(r, rows * cols, 3);
                    int[] argmax = Reference.argmaxRows(teacher, rows, cols);
                    for (int i = 0; i < rows; i += 2) {
                        if (teacher[i * cols + argmax[i]] == Float.NEGATIVE_INFINITY) {
                            continue;
                        }
                        for (int j = 0; j < cols; j++) {
                            if (teacher[i * cols + j] == Float.NEGATIVE_INFINITY) {
                                student[i * cols + j] = Float.NEGATIVE_INFINITY;
                            }
                        }
                    }
                    yield new float[][] {student, teacher};
                }
            };
        }
    }

    @TestFactory
    @DisplayName("softTargetLoss: T^2 * KL(softmax(t/T) || softmax(s/T)) batch mean, gradient weight * T * (q - p) / N")
    default Stream<DynamicTest> softTargetLossMatchesReference() {
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (SoftTargets kind : SoftTargets.values()) {
            for (int[] shape : Inputs.ROW_SHAPES) {
                for (float t : Inputs.TEMPERATURES) {
                    float weight = WEIGHTS[index++ % WEIGHTS.length];
                    String name = "softTargetLoss " + Inputs.shape(shape) + " T=" + t + " weight=" + weight + ", "
                            + kind.description;
                    tests.add(dynamicTest(name, () -> {
                        float[][] st = kind.batch(Inputs.random(name), shape[0], shape[1]);
                        checkLoss(name, "Tolerances.softmaxRow / logSoftmaxRow, summed", shape[1],
                                expectedSoftTarget(st[0], st[1], shape[0], shape[1], t, weight),
                                runSoftTarget(st[0], st[1], shape, t, weight));
                    }));
                }
            }
        }
        return tests.stream();
    }

    @Test
    @DisplayName("softTargetLoss by hand: T = 2, teacher p = (3/4, 1/4), student uniform: loss = T^2 KL / N = 0.2616240718822739")
    default void softTargetLossByHand() {
        float ln9 = (float) (2 * Math.log(3));
        float[] student = {0, 0, 1, -1};
        float[] teacher = {ln9, 0, 1, -1};
        Result result = runSoftTarget(student, teacher, new int[] {2, 2}, 2f, 1f);
        // KL((3/4, 1/4) || (1/2, 1/2)) = 3/4 ln(3/2) + 1/4 ln(1/2) = 0.13081203594113697; row 2 has KL 0.
        Check.close("softTargetLoss T=2 by hand, loss", "Tolerances.HAND_CASE",
                0.26162407188227393, Tolerances.HAND_CASE, result.loss());
        Check.close("softTargetLoss T=2 by hand, gradient", "Tolerances.HAND_CASE", 2,
                new double[] {-0.25, 0.25, 0, 0}, filled(4, Tolerances.HAND_CASE), result.grad());
    }

    @Test
    @DisplayName("softTargetLoss by hand: a teacher entry of -inf has p = 0 and its KL term counts 0 (loss ln 2, not NaN)")
    default void softTargetLossIgnoresZeroProbabilityTerms() {
        Result result = runSoftTarget(new float[] {0, 0}, new float[] {0, Float.NEGATIVE_INFINITY}, new int[] {1, 2}, 1f, 1f);
        Check.close("softTargetLoss teacher [0, -inf], student [0, 0], T=1, loss", "Tolerances.HAND_CASE",
                0.6931471805599453, Tolerances.HAND_CASE, result.loss());
        Check.close("softTargetLoss teacher [0, -inf], student [0, 0], T=1, gradient", "Tolerances.HAND_CASE", 2,
                new double[] {-0.5, 0.5}, filled(2, Tolerances.HAND_CASE), result.grad());
    }

    // ------------------------------------------------------------------ mse

    @TestFactory
    @DisplayName("mseLoss: (1/(2N)) sum (a - b)^2, gradient weight * (a - b) / N")
    default Stream<DynamicTest> mseLossMatchesReference() {
        List<int[]> shapes = new ArrayList<>(Inputs.ROW_SHAPES);
        shapes.add(new int[] {2, 3, 4});
        String[] kinds = {"random +-3", "large +-1e4", "a equals b: loss 0, gradient 0"};
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (int kind = 0; kind < kinds.length; kind++) {
            for (int[] shape : shapes) {
                float weight = WEIGHTS[index++ % WEIGHTS.length];
                int k = kind;
                String name = "mseLoss " + Inputs.shape(shape) + " weight=" + weight + ", " + kinds[kind];
                tests.add(dynamicTest(name, () -> {
                    SplittableRandom r = Inputs.random(name);
                    int n = LinearAlgebraSpec.sizeOf(shape);
                    double range = k == 1 ? 1e4 : 3;
                    float[] a = Inputs.uniform(r, n, -range, range);
                    float[] b = k == 2 ? a.clone() : Inputs.uniform(r, n, -range, range);
                    checkLoss(name, "Tolerances.reduction / formula", n / shape[0],
                            expectedMse(a, b, shape[0], weight), runMse(a, b, shape, weight));
                }));
            }
        }
        return tests.stream();
    }

    @Test
    @DisplayName("mseLoss by hand: a = [[1,2],[3,4]], b = [[0,0],[3,2]] give loss 9/4 and gradient (a - b) / 2")
    default void mseLossByHand() {
        Result result = runMse(new float[] {1, 2, 3, 4}, new float[] {0, 0, 3, 2}, new int[] {2, 2}, 1f);
        Check.close("mseLoss by hand, loss", "Tolerances.HAND_CASE", 2.25, Tolerances.HAND_CASE, result.loss());
        Check.close("mseLoss by hand, gradient", "Tolerances.HAND_CASE", 2,
                new double[] {0.5, 1, 0, 1}, filled(4, Tolerances.HAND_CASE), result.grad());
    }

    static double[] filled(int n, double value) {
        double[] x = new double[n];
        java.util.Arrays.fill(x, value);
        return x;
    }
}
