package org.distill4j.backend.cpu;

import java.util.ArrayDeque;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD matrix multiply {@code C = alpha * op(A) * op(B) + beta * C} of the CPU backend.
 *
 * <p>Goto/BLIS structure: {@code op(B)} is copied in blocks of {@code KC} rows into panels
 * {@code NR} columns wide, {@code op(A)} in blocks of {@code MC x KC} into panels {@code MR} rows
 * high (the packing absorbs the four transpose cases and pads edges with zeros), and a
 * register-blocked micro-kernel multiplies one A panel by one B panel into an
 * {@code MR x NR} tile held in {@code MR * 3} vector accumulators with FMA.
 *
 * <p>Parallel calls split C into at most {@code threads} parts along N (or M when that is the
 * smaller operand to share) at panel boundaries. Each element's sum is formed in the same order
 * whatever the split, so results are bit-identical for any thread count. Packing buffers live in
 * {@link Workspace}s that are reused across calls; concurrent callers each borrow their own.
 */
final class Gemm {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Rows of a micro-tile. */
    static final int MR = 8;
    /** Columns of a micro-tile: three vectors. */
    static final int NR = 3 * L;
    /** Depth of a packed block. */
    static final int KC = 256;
    /** Rows of a packed A block (a multiple of MR). */
    static final int MC = 128;
    /** Columns of a packed B block (a multiple of NR). */
    static final int NC = 20 * NR;
    /** Below this many multiply-adds a call runs on the caller's thread alone. */
    private static final long PARALLEL_MIN_WORK = 1L << 18;

    private final WorkerPool pool;
    private final ArrayDeque<Workspace> idle = new ArrayDeque<>();

    Gemm(WorkerPool pool) {
        this.pool = pool;
    }

    /** Packing buffers for one call: one set per part, so parts and callers never share one. */
    static final class Workspace {
        final float[][] aPack;
        final float[][] bPack;
        final float[][] tile;

        Workspace(int parts) {
            aPack = new float[parts][MC * KC];
            bPack = new float[parts][KC * NC];
            tile = new float[parts][MR * NR];
        }
    }

    private Workspace borrow() {
        synchronized (idle) {
            Workspace ws = idle.pollFirst();
            if (ws != null) {
                return ws;
            }
        }
        return new Workspace(pool.threads());
    }

    private void giveBack(Workspace ws) {
        synchronized (idle) {
            idle.addFirst(ws);
        }
    }

    /** See {@link ScalarKernels#gemm}; same contract. */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, float[] a, float[] b, float beta, float[] c) {
        if (alpha == 0f) {
            scaleC(c, m * n, beta);
            return;
        }
        int mPanels = ceilDiv(m, MR);
        int nPanels = ceilDiv(n, NR);
        boolean splitN = m <= n ? nPanels > 1 || mPanels == 1 : mPanels == 1;
        int panels = splitN ? nPanels : mPanels;
        int parts = (long) m * n * k < PARALLEL_MIN_WORK ? 1 : Math.min(pool.threads(), panels);
        Workspace ws = borrow();
        try {
            if (parts == 1) {
                compute(transA, transB, m, n, k, alpha, a, b, beta, c, 0, m, 0, n, ws, 0);
            } else {
                pool.run(parts, part -> {
                    int from = (int) ((long) panels * part / parts);
                    int to = (int) ((long) panels * (part + 1) / parts);
                    if (splitN) {
                        compute(transA, transB, m, n, k, alpha, a, b, beta, c,
                                0, m, from * NR, Math.min(n, to * NR), ws, part);
                    } else {
                        compute(transA, transB, m, n, k, alpha, a, b, beta, c,
                                from * MR, Math.min(m, to * MR), 0, n, ws, part);
                    }
                });
            }
        } finally {
            giveBack(ws);
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static void scaleC(float[] c, int size, float beta) {
        for (int i = 0; i < size; i++) {
            c[i] = beta == 0f ? 0f : beta * c[i];
        }
    }

    /** One part: the block {@code C[i0..i1) x [j0..j1)}. */
    private static void compute(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                float[] b, float beta, float[] c, int i0, int i1, int j0, int j1,
                                Workspace ws, int part) {
        float[] aPack = ws.aPack[part];
        float[] bPack = ws.bPack[part];
        float[] tile = ws.tile[part];
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float blockBeta = pc == 0 ? beta : 1f;
                packB(transB, b, n, k, jc, nc, pc, kc, bPack);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(transA, a, m, k, ic, mc, pc, kc, aPack);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            int cOff = (ic + ir) * n + jc + jr;
                            kernel(kc, aPack, ir * kc, bPack, jr * kc, tile);
                            if (mr == MR && nr == NR) {
                                storeTile(tile, c, cOff, n, alpha, blockBeta);
                            } else {
                                mergeTile(tile, mr, nr, c, cOff, n, alpha, blockBeta);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Packs {@code op(A)[i0..i0+mc) x [p0..p0+kc)} as MR-row panels: panel element {@code (p, r)} at {@code p * MR + r}. */
    static void packA(boolean transA, float[] a, int m, int k, int i0, int mc, int p0, int kc, float[] buf) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int dest = ir * kc;
            if (transA) {
                for (int p = 0; p < kc; p++) {
                    int src = (p0 + p) * m + i0 + ir;
                    int d = dest + p * MR;
                    for (int r = 0; r < rows; r++) {
                        buf[d + r] = a[src + r];
                    }
                    for (int r = rows; r < MR; r++) {
                        buf[d + r] = 0f;
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = (i0 + ir + r) * k + p0;
                    for (int p = 0; p < kc; p++) {
                        buf[dest + p * MR + r] = a[src + p];
                    }
                }
                for (int r = rows; r < MR; r++) {
                    for (int p = 0; p < kc; p++) {
                        buf[dest + p * MR + r] = 0f;
                    }
                }
            }
        }
    }

    /** Packs {@code op(B)[p0..p0+kc) x [j0..j0+nc)} as NR-column panels: panel element {@code (p, j)} at {@code p * NR + j}. */
    static void packB(boolean transB, float[] b, int n, int k, int j0, int nc, int p0, int kc, float[] buf) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int dest = jr * kc;
            if (transB) {
                for (int j = 0; j < cols; j++) {
                    int src = (j0 + jr + j) * k + p0;
                    for (int p = 0; p < kc; p++) {
                        buf[dest + p * NR + j] = b[src + p];
                    }
                }
                for (int j = cols; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        buf[dest + p * NR + j] = 0f;
                    }
                }
            } else if (cols == NR) {
                for (int p = 0; p < kc; p++) {
                    int src = (p0 + p) * n + j0 + jr;
                    int d = dest + p * NR;
                    FloatVector.fromArray(F, b, src).intoArray(buf, d);
                    FloatVector.fromArray(F, b, src + L).intoArray(buf, d + L);
                    FloatVector.fromArray(F, b, src + 2 * L).intoArray(buf, d + 2 * L);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = (p0 + p) * n + j0 + jr;
                    int d = dest + p * NR;
                    for (int j = 0; j < cols; j++) {
                        buf[d + j] = b[src + j];
                    }
                    for (int j = cols; j < NR; j++) {
                        buf[d + j] = 0f;
                    }
                }
            }
        }
    }

    /** {@code C = alpha * tile + beta * C} for a full tile (row stride NR in the tile, {@code ldc} in C). */
    private static void storeTile(float[] tile, float[] c, int cOff, int ldc, float alpha, float beta) {
        FloatVector av = FloatVector.broadcast(F, alpha);
        for (int r = 0; r < MR; r++) {
            for (int v = 0; v < NR; v += L) {
                FloatVector acc = FloatVector.fromArray(F, tile, r * NR + v);
                int ci = cOff + r * ldc + v;
                FloatVector out = beta == 0f ? acc.mul(av) : acc.fma(av, FloatVector.fromArray(F, c, ci).mul(beta));
                out.intoArray(c, ci);
            }
        }
    }

    /** {@code C = alpha * tile + beta * C} for the valid {@code mr x nr} corner of a tile (stride NR). */
    private static void mergeTile(float[] tile, int mr, int nr, float[] c, int cOff, int ldc, float alpha, float beta) {
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                float acc = tile[r * NR + j];
                int ci = cOff + r * ldc + j;
                c[ci] = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c[ci] * beta);
            }
        }
    }

    /**
     * The micro-kernel: the {@code MR x NR} product of an A panel and a B panel of depth
     * {@code kc}, written row-major into {@code tile}. Kept free of calls that take vectors, so C2
     * keeps all accumulators in registers.
     */
    static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c02 = z;
        FloatVector c10 = z, c11 = z, c12 = z;
        FloatVector c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z;
        FloatVector c40 = z, c41 = z, c42 = z;
        FloatVector c50 = z, c51 = z, c52 = z;
        FloatVector c60 = z, c61 = z, c62 = z;
        FloatVector c70 = z, c71 = z, c72 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR;
            int ai = aOff + p * MR;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bi + 2 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[ai + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(F, ap[ai + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(F, ap[ai + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c02.intoArray(tile, 0 * NR + 2 * L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c12.intoArray(tile, 1 * NR + 2 * L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c22.intoArray(tile, 2 * NR + 2 * L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c32.intoArray(tile, 3 * NR + 2 * L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c42.intoArray(tile, 4 * NR + 2 * L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c52.intoArray(tile, 5 * NR + 2 * L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c62.intoArray(tile, 6 * NR + 2 * L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c72.intoArray(tile, 7 * NR + 2 * L);    }
}
