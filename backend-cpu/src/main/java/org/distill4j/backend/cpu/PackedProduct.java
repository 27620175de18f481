package org.distill4j.backend.cpu;

import static org.distill4j.backend.cpu.Blocking.KC;

/**
 * One part of the packed gemm (Goto/BLIS): {@code op(B)} in blocks of at most {@code KC x nc}, as
 * panels {@code nr} columns wide, {@code op(A)} in blocks of at most {@code mc x KC}, as panels
 * {@code mr} rows high, and the micro-kernel multiplying one A panel by one B panel into a tile.
 * B is always packed: read in place (row segments with stride {@code n}) it ran slower at every
 * width measured, most where rows 4 KiB apart share L1 sets ({@code bench/RESULTS.md}). K is cut into equal blocks of at most
 * {@code KC}; the first applies {@code beta}, the others accumulate.
 */
final class PackedProduct {
    private PackedProduct() {
    }

    /** The block {@code C[i0..i1) x [j0..j1)}, with this part's packing buffers and tile. */
    static void compute(Blocking blocking, boolean transA, boolean transB, int m, int n, int k, float alpha,
                        float[] a, float[] b, float beta, float[] c, int i0, int i1, int j0, int j1,
                        float[] aPack, float[] bPack, float[] tile) {
        MicroTile micro = blocking.tile();
        int mr = blocking.mr();
        int nr = blocking.nr();
        int kBlocks = Math.ceilDiv(k, KC);
        for (int jc = j0; jc < j1; jc += blocking.nc()) {
            int nc = Math.min(blocking.nc(), j1 - jc);
            for (int kb = 0; kb < kBlocks; kb++) {
                int pc = (int) ((long) k * kb / kBlocks);
                int kc = (int) ((long) k * (kb + 1) / kBlocks) - pc;
                float blockBeta = kb == 0 ? beta : 1f;
                Packing.packB(transB, b, n, k, jc, nc, pc, kc, nr, bPack);
                for (int ic = i0; ic < i1; ic += blocking.mc()) {
                    int mc = Math.min(blocking.mc(), i1 - ic);
                    Packing.packA(transA, a, m, k, ic, mc, pc, kc, mr, aPack);
                    for (int ir = 0; ir < mc; ir += mr) {
                        int aOff = transA ? ir * kc : ir * KC;
                        for (int jr = 0; jr < nc; jr += nr) {
                            MicroKernels.multiply(micro, transA, kc, aPack, aOff, bPack, jr * kc, nr, tile);
                            int cOff = (ic + ir) * n + jc + jr;
                            if (mc - ir >= mr && nc - jr >= nr) {
                                TileStore.store(tile, mr, nr, c, cOff, n, alpha, blockBeta);
                            } else {
                                TileStore.merge(tile, Math.min(mr, mc - ir), Math.min(nr, nc - jr), nr, c, cOff, n,
                                        alpha, blockBeta);
                            }
                        }
                    }
                }
            }
        }
    }
}
