package org.distill4j.backend.cpu;

/** Runs the micro-kernel of a {@link MicroTile}, and holds the plain loop every one of them computes. */
final class MicroKernels {
    private MicroKernels() {
    }

    /**
     * The {@code tile.rows x NR} product of an A panel and a B panel of depth {@code kc} into
     * {@code out} (row stride NR): A in {@code (p, r)} order when {@code depthMajor}, else
     * {@code (r, p)} with row stride {@link Blocking#KC}; row {@code p} of B at {@code bOff + p * bStride}.
     */
    static void multiply(MicroTile tile, boolean depthMajor, int kc, float[] ap, int aOff, float[] bp, int bOff,
                         int bStride, float[] out) {
        switch (tile) {
            case ROWS8_VECTORS3 -> {
                if (depthMajor) {
                    MicroKernel8x3.multiplyPR(kc, ap, aOff, bp, bOff, bStride, out);
                } else {
                    MicroKernel8x3.multiplyRP(kc, ap, aOff, bp, bOff, bStride, out);
                }
            }
            case ROWS5_VECTORS2 -> {
                if (depthMajor) {
                    MicroKernel5x2.multiplyPR(kc, ap, aOff, bp, bOff, bStride, out);
                } else {
                    MicroKernel5x2.multiplyRP(kc, ap, aOff, bp, bOff, bStride, out);
                }
            }
        }
    }

    /**
     * What every micro-kernel computes, as a plain loop: {@code out[r * nr + j] = sum_p A(r, p) * B(p, j)},
     * one FMA per {@code p} in increasing order, with {@code A(r, p) = ap[aOff + r * rowStep + p * depthStep]}.
     */
    static void reference(int mr, int nr, int kc, float[] ap, int aOff, int rowStep, int depthStep, float[] bp,
                          int bOff, int bStride, float[] out) {
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                float acc = 0f;
                for (int p = 0; p < kc; p++) {
                    acc = Math.fma(ap[aOff + r * rowStep + p * depthStep], bp[bOff + p * bStride + j], acc);
                }
                out[r * nr + j] = acc;
            }
        }
    }
}
