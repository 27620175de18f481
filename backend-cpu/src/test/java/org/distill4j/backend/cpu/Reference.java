package org.distill4j.backend.cpu;

import java.util.SplittableRandom;

/** Test oracles and data: a float64 matrix multiply and seeded random arrays. */
final class Reference {
    private Reference() {
    }

    /** Uniform values in {@code [-1, 1)} from {@code seed}. */
    static float[] random(long seed, int size) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** Uniform values in {@code [-scale, scale)} from {@code seed}. */
    static float[] random(long seed, int size, float scale) {
        float[] x = random(seed, size);
        for (int i = 0; i < size; i++) {
            x[i] *= scale;
        }
        return x;
    }

    /** {@code alpha * op(A) op(B) + beta * C} in float64 (beta == 0 ignores C). */
    static double[] gemm(boolean transA, boolean transB, int m, int n, int k,
                         float alpha, float[] a, float[] b, float beta, float[] c) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                }
                out[i * n + j] = alpha * s + (beta == 0f ? 0 : (double) beta * c[i * n + j]);
            }
        }
        return out;
    }

    /** {@code |alpha| * sum_p |op(A)_ip op(B)_pj| + |beta C_ij|}: the scale a float rounding error is relative to. */
    static double[] gemmMagnitude(boolean transA, boolean transB, int m, int n, int k,
                                  float alpha, float[] a, float[] b, float beta, float[] c) {
        float[] absA = abs(a);
        float[] absB = abs(b);
        float[] absC = abs(c);
        return gemm(transA, transB, m, n, k, Math.abs(alpha), absA, absB, Math.abs(beta), absC);
    }

    private static float[] abs(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.abs(x[i]);
        }
        return y;
    }
}
