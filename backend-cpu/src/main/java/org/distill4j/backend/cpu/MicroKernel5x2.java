package org.distill4j.backend.cpu;

import static org.distill4j.backend.cpu.Blocking.KC;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 5 x 2-vector micro-kernel ({@link MicroTile#ROWS5_VECTORS2}): 10 accumulators, 2 B vectors and
 * one broadcast of A, 13 of AVX2's 16 registers. Each element {@code (r, j)} of the tile is
 * {@code sum_p A(r, p) * B(p, j)} by one FMA per {@code p} in increasing order, as
 * {@link MicroKernels#reference} computes it. The kernels call nothing that takes a vector, so C2
 * keeps the accumulators in registers (a vector passed to a method C2 does not inline is boxed).
 */
final class MicroKernel5x2 {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Columns of the tile, its row stride in {@code tile}. */
    static final int NR = 2 * L;

    private MicroKernel5x2() {
    }

    /**
     * The 5 x 2L product of an A panel in {@code (p, r)} order (element {@code (r, p)} at
     * {@code aOff + p * 5 + r}) and a B panel of depth {@code kc} (row {@code p} at {@code bOff + p * bStride}),
     * written row-major into {@code tile}.
     */
    static void multiplyPR(int kc, float[] ap, int aOff, float[] bp, int bOff, int bStride, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * bStride;
            int ai = aOff + p * 5;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(F, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
    }

    /** {@link #multiplyPR} for an A panel in {@code (r, p)} order: element {@code (r, p)} at {@code aOff + r * KC + p}. */
    static void multiplyRP(int kc, float[] ap, int aOff, float[] bp, int bOff, int bStride, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * bStride;
            int ai = aOff + p;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(F, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, ap[ai + 1 * KC]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, ap[ai + 2 * KC]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, ap[ai + 3 * KC]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, ap[ai + 4 * KC]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
    }
}
