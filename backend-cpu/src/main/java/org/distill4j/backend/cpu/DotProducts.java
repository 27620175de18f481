package org.distill4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gemm's dot-product kernels, for products whose B is best read along K: each element of C is
 * the dot product of a row of A with a row of (a copy of) B, summed lane-wise and then across the
 * lanes ({@link VectorKernels#sumLanes}), so its bits depend on the lane count but not on the
 * blocking, the batch it is in or the thread count.
 */
final class DotProducts {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    private DotProducts() {
    }

    /** Rows {@code [i0..i1)} of {@link #dots}: 4-row blocks, their last odd column and the last rows by {@link #streamDots}. */
    static void dotRows(int i0, int i1, int n, int k, float alpha, float[] a, float[] bRows, float beta,
                                float[] c, float[] lanes) {
        int i = i0;
        for (; i + 4 <= i1; i += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                dots4x4(a, i * k, bRows, j * k, k, alpha, beta, c, i * n + j, n, lanes);
            }
            for (; j + 2 <= n; j += 2) {
                dots4x2(a, i * k, bRows, j * k, k, alpha, beta, c, i * n + j, n, lanes);
            }
            streamDots(i, i + 4, n, k, alpha, a, bRows, beta, c, j, n, lanes);
        }
        streamDots(i, i1, n, k, alpha, a, bRows, beta, c, 0, n, lanes);
    }

    /** {@link #dot}s of rows {@code x, x+k, x+2k, x+3k} with rows {@code y .. y+3k}, merged into C at {@code cOff}. */
    private static void dots4x4(float[] x, int xOff, float[] y, int yOff, int k, float alpha, float beta, float[] c,
                                int cOff, int ldc, float[] lanes) {
        FloatVector s00 = FloatVector.zero(F), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
        FloatVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        int p = 0;
        for (int upper = F.loopBound(k); p < upper; p += L) {
            FloatVector y0 = FloatVector.fromArray(F, y, yOff + p);
            FloatVector y1 = FloatVector.fromArray(F, y, yOff + k + p);
            FloatVector y2 = FloatVector.fromArray(F, y, yOff + 2 * k + p);
            FloatVector y3 = FloatVector.fromArray(F, y, yOff + 3 * k + p);
            FloatVector x0 = FloatVector.fromArray(F, x, xOff + p);
            s00 = x0.fma(y0, s00);
            s01 = x0.fma(y1, s01);
            s02 = x0.fma(y2, s02);
            s03 = x0.fma(y3, s03);
            FloatVector x1 = FloatVector.fromArray(F, x, xOff + k + p);
            s10 = x1.fma(y0, s10);
            s11 = x1.fma(y1, s11);
            s12 = x1.fma(y2, s12);
            s13 = x1.fma(y3, s13);
            FloatVector x2 = FloatVector.fromArray(F, x, xOff + 2 * k + p);
            s20 = x2.fma(y0, s20);
            s21 = x2.fma(y1, s21);
            s22 = x2.fma(y2, s22);
            s23 = x2.fma(y3, s23);
            FloatVector x3 = FloatVector.fromArray(F, x, xOff + 3 * k + p);
            s30 = x3.fma(y0, s30);
            s31 = x3.fma(y1, s31);
            s32 = x3.fma(y2, s32);
            s33 = x3.fma(y3, s33);
        }
        s00.intoArray(lanes, 0 * L);
        s01.intoArray(lanes, 1 * L);
        s02.intoArray(lanes, 2 * L);
        s03.intoArray(lanes, 3 * L);
        s10.intoArray(lanes, 4 * L);
        s11.intoArray(lanes, 5 * L);
        s12.intoArray(lanes, 6 * L);
        s13.intoArray(lanes, 7 * L);
        s20.intoArray(lanes, 8 * L);
        s21.intoArray(lanes, 9 * L);
        s22.intoArray(lanes, 10 * L);
        s23.intoArray(lanes, 11 * L);
        s30.intoArray(lanes, 12 * L);
        s31.intoArray(lanes, 13 * L);
        s32.intoArray(lanes, 14 * L);
        s33.intoArray(lanes, 15 * L);
        finishDots(x, xOff, y, yOff, k, p, lanes, 4, alpha, beta, c, cOff, ldc);
    }

    /** {@link #dots4x4} for two rows of {@code y}. */
    private static void dots4x2(float[] x, int xOff, float[] y, int yOff, int k, float alpha, float beta, float[] c,
                                int cOff, int ldc, float[] lanes) {
        FloatVector s00 = FloatVector.zero(F), s01 = s00, s10 = s00, s11 = s00;
        FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        int p = 0;
        for (int upper = F.loopBound(k); p < upper; p += L) {
            FloatVector y0 = FloatVector.fromArray(F, y, yOff + p);
            FloatVector y1 = FloatVector.fromArray(F, y, yOff + k + p);
            FloatVector x0 = FloatVector.fromArray(F, x, xOff + p);
            FloatVector x1 = FloatVector.fromArray(F, x, xOff + k + p);
            FloatVector x2 = FloatVector.fromArray(F, x, xOff + 2 * k + p);
            FloatVector x3 = FloatVector.fromArray(F, x, xOff + 3 * k + p);
            s00 = x0.fma(y0, s00);
            s01 = x0.fma(y1, s01);
            s10 = x1.fma(y0, s10);
            s11 = x1.fma(y1, s11);
            s20 = x2.fma(y0, s20);
            s21 = x2.fma(y1, s21);
            s30 = x3.fma(y0, s30);
            s31 = x3.fma(y1, s31);
        }
        s00.intoArray(lanes, 0 * L);
        s01.intoArray(lanes, 1 * L);
        s10.intoArray(lanes, 2 * L);
        s11.intoArray(lanes, 3 * L);
        s20.intoArray(lanes, 4 * L);
        s21.intoArray(lanes, 5 * L);
        s30.intoArray(lanes, 6 * L);
        s31.intoArray(lanes, 7 * L);
        finishDots(x, xOff, y, yOff, k, p, lanes, 2, alpha, beta, c, cOff, ldc);
    }

    /**
     * Ends a block of 4 rows x {@code cols} elements whose accumulators are stored in {@code lanes},
     * row by row ({@code (r * cols + j) * L}), each by {@link #finishDot}.
     */
    private static void finishDots(float[] x, int xOff, float[] y, int yOff, int k, int p, float[] lanes, int cols,
                                   float alpha, float beta, float[] c, int cOff, int ldc) {
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < cols; j++) {
                finishDot(x, xOff + r * k, y, yOff + j * k, k, p, lanes, (r * cols + j) * L, alpha, beta, c,
                        cOff + r * ldc + j);
            }
        }
    }

    /** Ends one element of {@link #dots} as {@link #dot} ends: lane sum, the tail from {@code p}, alpha and beta. */
    private static void finishDot(float[] x, int xOff, float[] y, int yOff, int k, int p, float[] lanes, int laneOff,
                                  float alpha, float beta, float[] c, int ci) {
        float d = VectorKernels.sumLanes(lanes, laneOff);
        for (; p < k; p++) {
            d = Math.fma(x[xOff + p], y[yOff + p], d);
        }
        c[ci] = beta == 0f ? d * alpha : Math.fma(d, alpha, c[ci] * beta);
    }

    /**
     * {@code C[i0..i1) x [j0..j1)} for A stored {@code m x k} and B stored {@code n x k}
     * ({@code op(B) = B^T}): each element is the dot product of two contiguous rows, four B rows
     * at a time. The lanes' partial sums are added at the end, so results differ in rounding from
     * the packed path's.
     */
    static void streamDots(int i0, int i1, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c,
                           int j0, int j1, float[] lanes) {
        for (int i = i0; i < i1; i++) {
            int j = j0;
            for (; j + 4 <= j1; j += 4) {
                dot4(a, i * k, b, j * k, k, alpha, beta, c, i * n + j, lanes);
            }
            for (; j < j1; j++) {
                float dot = dot(a, i * k, b, j * k, k, lanes);
                int ci = i * n + j;
                c[ci] = beta == 0f ? dot * alpha : Math.fma(dot, alpha, c[ci] * beta);
            }
        }
    }

    private static float dot(float[] x, int xOff, float[] y, int yOff, int len, float[] lanes) {
        FloatVector acc = FloatVector.zero(F);
        int p = 0;
        for (int upper = F.loopBound(len); p < upper; p += L) {
            acc = FloatVector.fromArray(F, x, xOff + p).fma(FloatVector.fromArray(F, y, yOff + p), acc);
        }
        acc.intoArray(lanes, 0);
        float sum = VectorKernels.sumLanes(lanes, 0);
        for (; p < len; p++) {
            sum = Math.fma(x[xOff + p], y[yOff + p], sum);
        }
        return sum;
    }

    /** {@link #dot} of {@code x} with four consecutive rows of {@code y}, merged into {@code c[cOff..cOff+4)}. */
    private static void dot4(float[] x, int xOff, float[] y, int yOff, int len, float alpha, float beta, float[] c,
                             int cOff, float[] lanes) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int p = 0;
        for (int upper = F.loopBound(len); p < upper; p += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + p);
            s0 = xv.fma(FloatVector.fromArray(F, y, yOff + p), s0);
            s1 = xv.fma(FloatVector.fromArray(F, y, yOff + len + p), s1);
            s2 = xv.fma(FloatVector.fromArray(F, y, yOff + 2 * len + p), s2);
            s3 = xv.fma(FloatVector.fromArray(F, y, yOff + 3 * len + p), s3);
        }
        s0.intoArray(lanes, 0);
        s1.intoArray(lanes, L);
        s2.intoArray(lanes, 2 * L);
        s3.intoArray(lanes, 3 * L);
        float d0 = VectorKernels.sumLanes(lanes, 0);
        float d1 = VectorKernels.sumLanes(lanes, L);
        float d2 = VectorKernels.sumLanes(lanes, 2 * L);
        float d3 = VectorKernels.sumLanes(lanes, 3 * L);
        for (; p < len; p++) {
            float xp = x[xOff + p];
            d0 = Math.fma(xp, y[yOff + p], d0);
            d1 = Math.fma(xp, y[yOff + len + p], d1);
            d2 = Math.fma(xp, y[yOff + 2 * len + p], d2);
            d3 = Math.fma(xp, y[yOff + 3 * len + p], d3);
        }
        c[cOff] = beta == 0f ? d0 * alpha : Math.fma(d0, alpha, c[cOff] * beta);
        c[cOff + 1] = beta == 0f ? d1 * alpha : Math.fma(d1, alpha, c[cOff + 1] * beta);
        c[cOff + 2] = beta == 0f ? d2 * alpha : Math.fma(d2, alpha, c[cOff + 2] * beta);
        c[cOff + 3] = beta == 0f ? d3 * alpha : Math.fma(d3, alpha, c[cOff + 3] * beta);
    }
}
