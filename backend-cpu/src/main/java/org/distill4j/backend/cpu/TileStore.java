package org.distill4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Merges a tile of sums into C: {@code C = alpha * tile + beta * C}, rounded the same way by every gemm path. */
final class TileStore {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    private TileStore() {
    }

    /** A full {@code rows x cols} tile ({@code cols} a multiple of L, also its row stride) into C at {@code cOff}. */
    static void store(float[] tile, int rows, int cols, float[] c, int cOff, int ldc, float alpha, float beta) {
        FloatVector av = FloatVector.broadcast(F, alpha);
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < cols; v += L) {
                FloatVector acc = FloatVector.fromArray(F, tile, r * cols + v);
                int ci = cOff + r * ldc + v;
                FloatVector out = beta == 0f ? acc.mul(av) : acc.fma(av, FloatVector.fromArray(F, c, ci).mul(beta));
                out.intoArray(c, ci);
            }
        }
    }

    /** The valid {@code rows x cols} corner of a tile with row stride {@code stride}, element by element. */
    static void merge(float[] tile, int rows, int cols, int stride, float[] c, int cOff, int ldc, float alpha,
                      float beta) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                float acc = tile[r * stride + j];
                int ci = cOff + r * ldc + j;
                c[ci] = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c[ci] * beta);
            }
        }
    }
}
