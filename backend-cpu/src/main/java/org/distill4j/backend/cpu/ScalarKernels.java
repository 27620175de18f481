package org.distill4j.backend.cpu;

import org.distill4j.backend.DropoutRng;

/**
 * The reference {@link Kernels} of the CPU backend: plain loops over {@code float[]} storage, with
 * float64 accumulation where sums matter (softmax normalisers, losses, norms). The backend runs
 * these when SIMD is off ({@code cpu.simd=false}) or the Vector API is missing, and
 * {@link VectorKernels} falls back to them for tails and degenerate rows.
 */
final class ScalarKernels implements Kernels {
    /** The one instance; it holds no state. */
    static final ScalarKernels INSTANCE = new ScalarKernels();

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

    @Override
    public void addRowBias(float[] x, float[] bias, int cols, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            for (int j = 0; j < cols; j++) {
                x[off + j] += bias[j];
            }
        }
    }

    @Override
    public void sumRows(float[] x, float[] out, int rows, int cols, int colFrom, int colTo) {
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

    @Override
    public void relu(float[] x, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = Math.max(x[i], 0f);
        }
    }

    @Override
    public void reluBackward(float[] gradOut, float[] x, float[] gradIn, int from, int to) {
        for (int i = from; i < to; i++) {
            gradIn[i] = x[i] > 0f ? gradOut[i] : 0f;
        }
    }

    @Override
    public void dropout(float[] x, float[] mask, float[] out, float p, long seed, int from, int to) {
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

    @Override
    public void softmax(float[] z, float temperature, float[] out, int cols, int rowFrom, int rowTo) {
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

    @Override
    public void logSoftmax(float[] z, float temperature, float[] out, int cols, int rowFrom, int rowTo) {
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

    @Override
    public double crossEntropy(float[] z, float[] labels, float gradScale, float[] grad, int cols,
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

    /** None: the scalar kernel computes each exponential where it is used. */
    @Override
    public int softTargetScratch(int cols) {
        return 0;
    }

    @Override
    public double softTargetLoss(float[] student, float[] teacher, float temperature, float gradScale,
                                 float[] grad, int cols, int rowFrom, int rowTo, float[] scratch) {
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

    @Override
    public double mseLoss(float[] a, float[] b, float gradScale, float[] grad, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
            grad[i] = (float) (gradScale * d);
        }
        return sum;
    }

    // ------------------------------------------------------------------ optimiser updates

    @Override
    public void sgdUpdate(float[] param, float[] grad, float[] velocity, float lr, float momentum,
                          float weightDecay, boolean nesterov, int from, int to) {
        for (int i = from; i < to; i++) {
            float g = grad[i] + weightDecay * param[i];
            float v = momentum * velocity[i] + g;
            velocity[i] = v;
            param[i] -= lr * (nesterov ? g + momentum * v : v);
        }
    }

    @Override
    public void adamUpdate(float[] param, float[] grad, float[] m, float[] v, float lr, float beta1, float beta2,
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

    /** Column sums of squares in float64, then one scale factor per column in {@code factor}. */
    @Override
    public void maxNormColumns(float[] w, int rows, int cols, float maxNorm, double[] sq, float[] factor) {
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

    @Override
    public void argmaxRows(float[] x, int cols, int[] out, int rowFrom, int rowTo) {
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

    @Override
    public void fill(float[] x, float value, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = value;
        }
    }

    @Override
    public void copy(float[] src, float[] dst, int from, int to) {
        System.arraycopy(src, from, dst, from, to - from);
    }

    @Override
    public void axpy(float alpha, float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] += alpha * x[i];
        }
    }

    @Override
    public void scale(float[] x, float s, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] *= s;
        }
    }

    @Override
    public void mul(float[] a, float[] b, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = a[i] * b[i];
        }
    }

    @Override
    public double sumSquares(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            double v = x[i];
            s += v * v;
        }
        return s;
    }
}
