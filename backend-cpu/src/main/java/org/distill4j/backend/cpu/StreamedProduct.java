package org.distill4j.backend.cpu;

import static org.distill4j.backend.cpu.Blocking.KC;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gemm for a few rows of op(A) (one example's inference) and B stored {@code k x n}: B is read
 * once, straight from the caller's array, instead of being packed.
 */
final class StreamedProduct {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    private StreamedProduct() {
    }

    /**
     * {@code C[0..m) x [j0..j1)} for B stored {@code k x n}, reading B once from memory: strips of
     * C four vectors wide are summed in registers over a K block for four rows of op(A) at a time
     * (then one for the last rows), the block's B strip staying in cache for the next rows. Sums
     * run over the same K blocks, in the same order and with the same FMAs as the packed path, so
     * a row's result does not depend on whether it was computed alone or in a batch.
     * {@code tile} is scratch of at least {@code 16 L} floats. {@link ScalarKernels#gemm} is the plain loop.
     */
    static void streamRows(boolean transA, int m, int n, int k, float alpha, float[] a, float[] b, float beta,
                           float[] c, int j0, int j1, float[] tile) {
        int kBlocks = Math.ceilDiv(k, KC);
        int aStep = transA ? m : 1;
        int rowStep = transA ? 1 : k;
        int j = j0;
        for (; j + 4 * L <= j1; j += 4 * L) {
            for (int kb = 0; kb < kBlocks; kb++) {
                int p0 = (int) ((long) k * kb / kBlocks);
                int p1 = (int) ((long) k * (kb + 1) / kBlocks);
                float blockBeta = kb == 0 ? beta : 1f;
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    strip4x4(a, i * rowStep, rowStep, aStep, b, n, p0, p1, j, tile);
                    TileStore.store(tile, 4, 4 * L, c, i * n + j, n, alpha, blockBeta);
                }
                for (; i < m; i++) {
                    strip4(a, i * rowStep, aStep, b, n, p0, p1, c, i * n + j, j, alpha, blockBeta);
                }
            }
        }
        for (; j < j1; j += L) {
            VectorMask<Float> live = F.indexInRange(j, j1);
            for (int kb = 0; kb < kBlocks; kb++) {
                int p0 = (int) ((long) k * kb / kBlocks);
                int p1 = (int) ((long) k * (kb + 1) / kBlocks);
                for (int i = 0; i < m; i++) {
                    strip1(a, i * rowStep, aStep, b, n, p0, p1, c, i * n + j, j, live, alpha, kb == 0 ? beta : 1f);
                }
            }
        }
    }

    /**
     * The sums of {@link #strip4} for four rows of op(A) at once, written row-major into
     * {@code tile} (4 rows of {@code 4 L}): row {@code r}'s element {@code p} is
     * {@code a[aOff + r * rowStep + p * aStep]}. Each B load serves four rows.
     */
    private static void strip4x4(float[] a, int aOff, int rowStep, int aStep, float[] b, int n, int p0, int p1, int j,
                                 float[] tile) {
        FloatVector s00 = FloatVector.zero(F);
        FloatVector s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
        FloatVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        for (int p = p0; p < p1; p++) {
            int bi = p * n + j;
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(F, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, b, bi + 3 * L);
            int ai = aOff + p * aStep;
            FloatVector a0 = FloatVector.broadcast(F, a[ai]);
            s00 = a0.fma(b0, s00);
            s01 = a0.fma(b1, s01);
            s02 = a0.fma(b2, s02);
            s03 = a0.fma(b3, s03);
            FloatVector a1 = FloatVector.broadcast(F, a[ai + rowStep]);
            s10 = a1.fma(b0, s10);
            s11 = a1.fma(b1, s11);
            s12 = a1.fma(b2, s12);
            s13 = a1.fma(b3, s13);
            FloatVector a2 = FloatVector.broadcast(F, a[ai + 2 * rowStep]);
            s20 = a2.fma(b0, s20);
            s21 = a2.fma(b1, s21);
            s22 = a2.fma(b2, s22);
            s23 = a2.fma(b3, s23);
            FloatVector a3 = FloatVector.broadcast(F, a[ai + 3 * rowStep]);
            s30 = a3.fma(b0, s30);
            s31 = a3.fma(b1, s31);
            s32 = a3.fma(b2, s32);
            s33 = a3.fma(b3, s33);
        }
        s00.intoArray(tile, 0);
        s01.intoArray(tile, L);
        s02.intoArray(tile, 2 * L);
        s03.intoArray(tile, 3 * L);
        s10.intoArray(tile, 4 * L);
        s11.intoArray(tile, 5 * L);
        s12.intoArray(tile, 6 * L);
        s13.intoArray(tile, 7 * L);
        s20.intoArray(tile, 8 * L);
        s21.intoArray(tile, 9 * L);
        s22.intoArray(tile, 10 * L);
        s23.intoArray(tile, 11 * L);
        s30.intoArray(tile, 12 * L);
        s31.intoArray(tile, 13 * L);
        s32.intoArray(tile, 14 * L);
        s33.intoArray(tile, 15 * L);
    }

    /**
     * {@code C[ci..ci+4L) = alpha * sum_{p0 <= p < p1} A[aOff + p * aStep] * B[p][j..j+4L) + beta * C},
     * rounded as {@link TileStore#store}.
     */
    private static void strip4(float[] a, int aOff, int aStep, float[] b, int n, int p0, int p1, float[] c, int ci,
                               int j, float alpha, float beta) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int p = p0; p < p1; p++) {
            FloatVector ap = FloatVector.broadcast(F, a[aOff + p * aStep]);
            int bi = p * n + j;
            s0 = ap.fma(FloatVector.fromArray(F, b, bi), s0);
            s1 = ap.fma(FloatVector.fromArray(F, b, bi + L), s1);
            s2 = ap.fma(FloatVector.fromArray(F, b, bi + 2 * L), s2);
            s3 = ap.fma(FloatVector.fromArray(F, b, bi + 3 * L), s3);
        }
        FloatVector av = FloatVector.broadcast(F, alpha);
        if (beta == 0f) {
            s0.mul(av).intoArray(c, ci);
            s1.mul(av).intoArray(c, ci + L);
            s2.mul(av).intoArray(c, ci + 2 * L);
            s3.mul(av).intoArray(c, ci + 3 * L);
        } else {
            s0.fma(av, FloatVector.fromArray(F, c, ci).mul(beta)).intoArray(c, ci);
            s1.fma(av, FloatVector.fromArray(F, c, ci + L).mul(beta)).intoArray(c, ci + L);
            s2.fma(av, FloatVector.fromArray(F, c, ci + 2 * L).mul(beta)).intoArray(c, ci + 2 * L);
            s3.fma(av, FloatVector.fromArray(F, c, ci + 3 * L).mul(beta)).intoArray(c, ci + 3 * L);
        }
    }

    /** {@link #strip4} for one vector of columns, of which the {@code live} lanes exist. */
    private static void strip1(float[] a, int aOff, int aStep, float[] b, int n, int p0, int p1, float[] c, int ci,
                               int j, VectorMask<Float> live, float alpha, float beta) {
        FloatVector s = FloatVector.zero(F);
        for (int p = p0; p < p1; p++) {
            s = FloatVector.broadcast(F, a[aOff + p * aStep]).fma(FloatVector.fromArray(F, b, p * n + j, live), s);
        }
        FloatVector av = FloatVector.broadcast(F, alpha);
        FloatVector out = beta == 0f ? s.mul(av) : s.fma(av, FloatVector.fromArray(F, c, ci, live).mul(beta));
        out.intoArray(c, ci, live);
    }
}
