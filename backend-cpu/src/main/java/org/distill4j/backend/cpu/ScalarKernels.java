package org.distill4j.backend.cpu;

import org.distill4j.backend.DropoutRng;

/**
 * The reference kernels of the CPU backend: plain loops over {@code float[]} storage, with
 * float64 accumulation where sums matter (softmax normalisers, losses, norms).
 *
 * <p>{@link VectorKernels} has a method of the same signature for each of these; the backend
 * runs these instead when SIMD is off ({@code cpu.simd=false}) or the Vector API is missing.
 * Matrices are row-major with {@code cols} columns; elementwise kernels work on the index range
 * {@code [from, to)} and row kernels on the rows {@code [rowFrom, rowTo)}, so a caller may split
 * the work. Loss kernels return the sum of their rows' unnormalised losses.
 */
final class ScalarKernels {
    private ScalarKernels() {
    }

    // ------------------------------------------------------------------ linear algebra

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} with {@code op(A)} {@code m x k} and
     * {@code op(B)} {@code k x n}, all dense row-major; {@code beta == 0} ignores C's old contents
     * and {@code alpha == 0} skips the product, as in BLAS. {@code row} is scratch of at least
     * {@code n} floats.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, float[] b, float beta, float[] c, float[] row) {
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, 0, n, 0f);
            if (alpha != 0f) {
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[p * m + i] : a[i * k + p];
                    if (transB) {
                        for (int j = 0; j < n; j++) {
                            row[j] += aip * b[j * k + p];
                        }
                    } else {
                        int bRow = p * n;
                        for (int j = 0; j < n; j++) {
                            row[j] += aip * b[bRow + j];
                        }
                    }
                }
            }
            int cRow = i * n;
            for (int j = 0; j < n; j++) {
                c[cRow + j] = beta == 0f ? alpha * row[j] : alpha * row[j] + beta * c[cRow + j];
            }
        }
    }

    /** {@code x[i][j] += bias[j]} for rows {@code [rowFrom, rowTo)}. */
    static void addRowBias(float[] x, float[] bias, int cols, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            for (int j = 0; j < cols; j++) {
                x[off + j] += bias[j];
            }
        }
    }

    /** {@code out[j] = sum_i x[i][j]} over all {@code rows}, for columns {@code [colFrom, colTo)}. */
    static void sumRows(float[] x, float[] out, int rows, int cols, int colFrom, int colTo) {
        for (int j = colFrom; j < colTo; j++) {
            out[j] = 0f;
        }
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            for (int j = colFrom; j < colTo; j++) {
                out[j] += x[off + j];
            }
        }
    }

    // ------------------------------------------------------------------ activations

    /** {@code max(x, 0)} with Java's {@link Math#max}: NaN stays NaN, -0 becomes 0. */
    static void relu(float[] x, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = Math.max(x[i], 0f);
        }
    }

    static void reluBackward(float[] gradOut, float[] x, float[] gradIn, int from, int to) {
        for (int i = from; i < to; i++) {
            gradIn[i] = x[i] > 0f ? gradOut[i] : 0f;
        }
    }

    /** Inverted dropout; the mask depends only on {@code seed} and the element index. */
    static void dropout(float[] x, float[] mask, float[] out, float p, long seed, int from, int to) {
        float keepScale = 1f / (1f - p);
        for (int i = from; i < to; i++) {
            float m = DropoutRng.uniform(seed, i) >= p ? keepScale : 0f;
            mask[i] = m;
            out[i] = x[i] * m;
        }
    }

    // ------------------------------------------------------------------ softmax family

    /** Row maximum of {@code z[off .. off+cols)}; NaN if the row holds a NaN. */
    static float rowMax(float[] z, int off, int cols) {
        float m = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            m = Math.max(m, z[off + j]);
        }
        return m;
    }

    /**
     * {@code z/T - m}, with {@code m} the row maximum of {@code z/T}. A row whose entries are all
     * {@code -inf} ({@code m = -inf}) counts as a row of equal values, whose softmax is uniform.
     */
    private static double shifted(float z, double t, double m) {
        return m == Double.NEGATIVE_INFINITY ? 0 : z / t - m;
    }

    /** {@code sum_j exp(z_j/T - m)} in float64. */
    private static double expSum(float[] z, int off, int cols, double t, double m) {
        double s = 0;
        for (int j = 0; j < cols; j++) {
            s += Math.exp(shifted(z[off + j], t, m));
        }
        return s;
    }

    /** Softmax per row; a row of all {@code -inf} gives the uniform distribution. */
    static void softmax(float[] z, float temperature, float[] out, int cols, int rowFrom, int rowTo) {
        double t = temperature;
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            double m = rowMax(z, off, cols) / t;
            double s = expSum(z, off, cols, t, m);
            for (int j = 0; j < cols; j++) {
                out[off + j] = (float) (Math.exp(shifted(z[off + j], t, m)) / s);
            }
        }
    }

    /** Log-softmax per row; a row of all {@code -inf} gives {@code -log(cols)}. */
    static void logSoftmax(float[] z, float temperature, float[] out, int cols, int rowFrom, int rowTo) {
        double t = temperature;
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            double m = rowMax(z, off, cols) / t;
            double logSum = Math.log(expSum(z, off, cols, t, m));
            for (int j = 0; j < cols; j++) {
                out[off + j] = (float) (shifted(z[off + j], t, m) - logSum);
            }
        }
    }

    // ------------------------------------------------------------------ losses

    /**
     * Cross-entropy rows: returns {@code sum over labelled rows of -log softmax(z)[y]} and writes
     * {@code gradScale * (softmax(z) - onehot(y))} (zero for unlabelled rows, label {@code < 0}).
     */
    static double crossEntropy(float[] z, float[] labels, float gradScale, float[] grad, int cols,
                               int rowFrom, int rowTo) {
        double loss = 0;
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            float label = labels[r];
            if (label < 0f) {
                for (int j = 0; j < cols; j++) {
                    grad[off + j] = 0f;
                }
                continue;
            }
            int y = (int) label;
            double m = rowMax(z, off, cols);
            double s = expSum(z, off, cols, 1.0, m);
            loss += Math.log(s) - shifted(z[off + y], 1.0, m);
            for (int j = 0; j < cols; j++) {
                double p = Math.exp(shifted(z[off + j], 1.0, m)) / s;
                grad[off + j] = (float) (gradScale * (p - (j == y ? 1.0 : 0.0)));
            }
        }
        return loss;
    }

    /**
     * Soft-target rows: returns {@code sum_i KL(p_i || q_i)} with {@code p = softmax(teacher/T)},
     * {@code q = softmax(student/T)} ({@code 0 * log 0 = 0}) and writes {@code gradScale * (q - p)}.
     */
    static double softTargetLoss(float[] student, float[] teacher, float temperature, float gradScale,
                                 float[] grad, int cols, int rowFrom, int rowTo) {
        double t = temperature;
        double kl = 0;
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            double ms = rowMax(student, off, cols) / t;
            double mt = rowMax(teacher, off, cols) / t;
            double logSumS = Math.log(expSum(student, off, cols, t, ms));
            double logSumT = Math.log(expSum(teacher, off, cols, t, mt));
            double rowKl = 0;
            for (int j = 0; j < cols; j++) {
                double logQ = shifted(student[off + j], t, ms) - logSumS;
                double logP = shifted(teacher[off + j], t, mt) - logSumT;
                double p = Math.exp(logP);
                double q = Math.exp(logQ);
                if (p != 0) {
                    rowKl += p * (logP - logQ);
                }
                grad[off + j] = (float) (gradScale * (q - p));
            }
            kl += rowKl;
        }
        return kl;
    }

    /** Returns {@code sum (a - b)^2} over {@code [from, to)} and writes {@code gradScale * (a - b)}. */
    static double mseLoss(float[] a, float[] b, float gradScale, float[] grad, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
            grad[i] = (float) (gradScale * d);
        }
        return sum;
    }

    // ------------------------------------------------------------------ optimiser updates

    static void sgdUpdate(float[] param, float[] grad, float[] velocity, float lr, float momentum,
                          float weightDecay, boolean nesterov, int from, int to) {
        for (int i = from; i < to; i++) {
            float g = grad[i] + weightDecay * param[i];
            float v = momentum * velocity[i] + g;
            velocity[i] = v;
            param[i] -= lr * (nesterov ? g + momentum * v : v);
        }
    }

    /** Adam; {@code bc1 = 1 - beta1^step} and {@code bc2 = 1 - beta2^step} are the bias corrections. */
    static void adamUpdate(float[] param, float[] grad, float[] m, float[] v, float lr, float beta1, float beta2,
                           float eps, float weightDecay, float bc1, float bc2, int from, int to) {
        float oneMinusB1 = 1f - beta1;
        float oneMinusB2 = 1f - beta2;
        for (int i = from; i < to; i++) {
            float g = grad[i] + weightDecay * param[i];
            float mi = beta1 * m[i] + oneMinusB1 * g;
            float vi = beta2 * v[i] + oneMinusB2 * (g * g);
            m[i] = mi;
            v[i] = vi;
            param[i] -= lr * (mi / bc1) / ((float) Math.sqrt(vi / bc2) + eps);
        }
    }

    /**
     * Scales each column of a {@code rows x cols} matrix whose L2 norm exceeds {@code maxNorm} to
     * that norm; {@code sq} and {@code factor} are scratch of at least {@code cols} elements.
     */
    static void maxNormColumns(float[] w, int rows, int cols, float maxNorm, double[] sq, float[] factor) {
        java.util.Arrays.fill(sq, 0, cols, 0.0);
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            for (int j = 0; j < cols; j++) {
                double x = w[off + j];
                sq[j] += x * x;
            }
        }
        for (int j = 0; j < cols; j++) {
            double norm = Math.sqrt(sq[j]);
            factor[j] = norm > maxNorm ? (float) (maxNorm / norm) : 1f;
        }
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            for (int j = 0; j < cols; j++) {
                w[off + j] *= factor[j];
            }
        }
    }

    // ------------------------------------------------------------------ reductions and elementwise

    /** Index of the row's largest value, the first on ties; a NaN counts as largest (the first NaN wins). */
    static void argmaxRows(float[] x, int cols, int[] out, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            int best = 0;
            float bestValue = x[off];
            for (int j = 1; j < cols && !Float.isNaN(bestValue); j++) {
                float v = x[off + j];
                if (v > bestValue || Float.isNaN(v)) {
                    best = j;
                    bestValue = v;
                }
            }
            out[r] = best;
        }
    }

    static void fill(float[] x, float value, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = value;
        }
    }

    static void copy(float[] src, float[] dst, int from, int to) {
        System.arraycopy(src, from, dst, from, to - from);
    }

    static void axpy(float alpha, float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] += alpha * x[i];
        }
    }

    static void scale(float[] x, float s, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] *= s;
        }
    }

    static void mul(float[] a, float[] b, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = a[i] * b[i];
        }
    }

    static double sumSquares(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            double v = x[i];
            s += v * v;
        }
        return s;
    }
}
