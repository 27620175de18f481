package org.distill4j.conformance;

import org.distill4j.backend.DropoutRng;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The float64 reference of every op: plain loops that follow the {@code Backend} Javadoc line by
 * line, and EJML for gemm. Matrices are row-major {@code double[]} with explicit rows and columns.
 *
 * <p>One decision the Javadoc leaves open is made here: a softmax row whose entries are all
 * {@code -inf} is the uniform distribution (the limit of a row of equal values), so its
 * logSoftmax is {@code -log(cols)}; it is never NaN.
 */
final class Reference {
    private Reference() {
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    // ------------------------------------------------------------------ gemm

    /** {@code alpha * op(A) * op(B) + beta * C}, with C ignored when {@code beta == 0}. */
    static double[] gemm(boolean transA, boolean transB, int m, int n, int k,
                         double alpha, double[] a, double[] b, double beta, double[] c) {
        DMatrixRMaj product = product(transA, transB, m, n, k, alpha, a, b, false);
        double[] out = product.data.clone();
        if (beta != 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] += beta * c[i];
            }
        }
        return out;
    }

    /** {@code |alpha| (|op(A)| |op(B)|) + |beta C|}: the magnitude each element of a gemm rounds against. */
    static double[] gemmScale(boolean transA, boolean transB, int m, int n, int k,
                              double alpha, double[] a, double[] b, double beta, double[] c) {
        DMatrixRMaj product = product(transA, transB, m, n, k, Math.abs(alpha), a, b, true);
        double[] out = product.data.clone();
        if (beta != 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] += Math.abs(beta * c[i]);
            }
        }
        return out;
    }

    private static DMatrixRMaj product(boolean transA, boolean transB, int m, int n, int k,
                                       double alpha, double[] a, double[] b, boolean absolute) {
        DMatrixRMaj ma = transA ? new DMatrixRMaj(k, m, true, a) : new DMatrixRMaj(m, k, true, a);
        DMatrixRMaj mb = transB ? new DMatrixRMaj(n, k, true, b) : new DMatrixRMaj(k, n, true, b);
        if (absolute) {
            CommonOps_DDRM.abs(ma);
            CommonOps_DDRM.abs(mb);
        }
        DMatrixRMaj c = new DMatrixRMaj(m, n);
        if (!transA && !transB) {
            CommonOps_DDRM.mult(alpha, ma, mb, c);
        } else if (transA && !transB) {
            CommonOps_DDRM.multTransA(alpha, ma, mb, c);
        } else if (!transA) {
            CommonOps_DDRM.multTransB(alpha, ma, mb, c);
        } else {
            CommonOps_DDRM.multTransAB(alpha, ma, mb, c);
        }
        return c;
    }

    // ------------------------------------------------------------------ softmax family

    /** Row {@code i} of {@code z / T}. */
    static double[] scaledRow(double[] z, int cols, int i, double temperature) {
        double[] s = new double[cols];
        for (int j = 0; j < cols; j++) {
            s[j] = z[i * cols + j] / temperature;
        }
        return s;
    }

    /** Softmax of one row of scaled logits; uniform when every entry is {@code -inf}. */
    static double[] softmax(double[] s) {
        double max = max(s);
        double[] p = new double[s.length];
        if (max == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(p, 1.0 / s.length);
            return p;
        }
        double sum = 0;
        for (int j = 0; j < s.length; j++) {
            p[j] = Math.exp(s[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < s.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /** Log-softmax of one row of scaled logits; {@code -log(cols)} everywhere when every entry is {@code -inf}. */
    static double[] logSoftmax(double[] s) {
        double max = max(s);
        double[] out = new double[s.length];
        if (max == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(out, -Math.log(s.length));
            return out;
        }
        double sum = 0;
        for (double v : s) {
            sum += Math.exp(v - max);
        }
        double logSum = Math.log(sum);
        for (int j = 0; j < s.length; j++) {
            out[j] = s[j] - max - logSum;
        }
        return out;
    }

    private static double max(double[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v);
        }
        return max;
    }

    // ------------------------------------------------------------------ losses

    /** A loss and its gradient (already multiplied by the weight). */
    record Loss(double loss, double[] grad) {
    }

    /** Cross-entropy against class indices ({@code -1} = unlabelled) at temperature 1, mean over all N rows. */
    static Loss crossEntropy(double[] z, int rows, int cols, int[] labels, double weight) {
        double total = 0;
        double[] grad = new double[z.length];
        for (int i = 0; i < rows; i++) {
            if (labels[i] < 0) {
                continue;
            }
            double[] s = scaledRow(z, cols, i, 1);
            double[] p = softmax(s);
            total -= logSoftmax(s)[labels[i]];
            for (int j = 0; j < cols; j++) {
                double target = j == labels[i] ? 1 : 0;
                grad[i * cols + j] = weight * (p[j] - target) / rows;
            }
        }
        return new Loss(total / rows, grad);
    }

    /** {@code T^2 * KL(softmax(t/T) || softmax(s/T))}, batch mean; terms with {@code p = 0} count 0. */
    static Loss softTarget(double[] student, double[] teacher, int rows, int cols, double temperature, double weight) {
        double total = 0;
        double[] grad = new double[student.length];
        for (int i = 0; i < rows; i++) {
            double[] sq = scaledRow(student, cols, i, temperature);
            double[] st = scaledRow(teacher, cols, i, temperature);
            double[] q = softmax(sq);
            double[] p = softmax(st);
            double[] logQ = logSoftmax(sq);
            double[] logP = logSoftmax(st);
            for (int j = 0; j < cols; j++) {
                if (p[j] > 0) {
                    total += p[j] * (logP[j] - logQ[j]);
                }
                grad[i * cols + j] = weight * temperature * (q[j] - p[j]) / rows;
            }
        }
        return new Loss(temperature * temperature * total / rows, grad);
    }

    /** {@code (1/(2N)) sum (a - b)^2}. */
    static Loss mse(double[] a, double[] b, int rows, double weight) {
        double total = 0;
        double[] grad = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            total += d * d;
            grad[i] = weight * d / rows;
        }
        return new Loss(total / (2.0 * rows), grad);
    }

    // ------------------------------------------------------------------ optimisers

    /** One SGD step in float64; returns {@code {newParam, newVelocity}}. */
    static double[][] sgd(double[] param, double[] grad, double[] velocity, double lr, double momentum,
                          double weightDecay, boolean nesterov) {
        double[] p = param.clone();
        double[] v = velocity.clone();
        for (int i = 0; i < p.length; i++) {
            double g = grad[i] + weightDecay * param[i];
            v[i] = momentum * velocity[i] + g;
            p[i] = param[i] - lr * (nesterov ? g + momentum * v[i] : v[i]);
        }
        return new double[][] {p, v};
    }

    /** One Adam step in float64; returns {@code {newParam, newM, newV}}. */
    static double[][] adam(double[] param, double[] grad, double[] m, double[] v, double lr, double beta1,
                           double beta2, double eps, double weightDecay, int step) {
        double[] p = param.clone();
        double[] m2 = m.clone();
        double[] v2 = v.clone();
        for (int i = 0; i < p.length; i++) {
            double g = grad[i] + weightDecay * param[i];
            m2[i] = beta1 * m[i] + (1 - beta1) * g;
            v2[i] = beta2 * v[i] + (1 - beta2) * g * g;
            p[i] = param[i] - adamStep(m2[i], v2[i], lr, beta1, beta2, eps, step);
        }
        return new double[][] {p, m2, v2};
    }

    /** {@code lr * (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps)}. */
    static double adamStep(double m, double v, double lr, double beta1, double beta2, double eps, int step) {
        double mHat = m / (1 - Math.pow(beta1, step));
        double vHat = v / (1 - Math.pow(beta2, step));
        return lr * mHat / (Math.sqrt(vHat) + eps);
    }

    /** Columns of a {@code rows x cols} matrix with L2 norm above {@code maxNorm} scaled to norm {@code maxNorm}. */
    static double[] maxNormColumns(double[] w, int rows, int cols, double maxNorm) {
        double[] out = w.clone();
        for (int j = 0; j < cols; j++) {
            double squares = 0;
            for (int i = 0; i < rows; i++) {
                squares += w[i * cols + j] * w[i * cols + j];
            }
            double norm = Math.sqrt(squares);
            if (norm > maxNorm) {
                for (int i = 0; i < rows; i++) {
                    out[i * cols + j] = w[i * cols + j] * (maxNorm / norm);
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ the rest

    /** The first index of each row's largest value; the first NaN counts as largest. */
    static int[] argmaxRows(float[] x, int rows, int cols) {
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            int best = 0;
            for (int j = 1; j < cols; j++) {
                float current = x[i * cols + best];
                float candidate = x[i * cols + j];
                if (Float.isNaN(current)) {
                    break;
                }
                if (Float.isNaN(candidate) || candidate > current) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** The dropout mask as the Javadoc defines it: {@code u(seed, i) >= p ? 1/(1-p) : 0}. */
    static double[] dropoutMask(int size, float p, long seed) {
        double[] mask = new double[size];
        for (int i = 0; i < size; i++) {
            mask[i] = DropoutRng.uniform(seed, i) >= p ? 1.0 / (1.0 - p) : 0;
        }
        return mask;
    }

    /** {@code out[j] = sum over rows of x[i][j]}. */
    static double[] sumRows(double[] x, int rows, int cols) {
        double[] out = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j] += x[i * cols + j];
            }
        }
        return out;
    }

    static double[] absolute(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.abs(x[i]);
        }
        return out;
    }
}
