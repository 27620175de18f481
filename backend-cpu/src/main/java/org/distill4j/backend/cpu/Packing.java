package org.distill4j.backend.cpu;

import static org.distill4j.backend.cpu.Blocking.KC;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of the gemm's operands into the panels its micro-kernels read: A into panels
 * {@code mr} rows high, B into panels {@code nr} columns wide, ragged edges padded with zeros.
 */
final class Packing {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    private Packing() {
    }

    /**
     * Packs {@code op(A)[i0..i0+mc) x [p0..p0+kc)} into {@code mr}-row panels, rows past {@code mc} zero.
     * With transA the columns of the stored A are contiguous, so panel {@code ir} holds element
     * {@code (p, r)} at {@code ir * kc + p * mr + r}; without, its rows are, so it holds
     * {@code (r, p)} at {@code ir * KC + r * KC + p}.
     */
    static void packA(boolean transA, float[] a, int m, int k, int i0, int mc, int p0, int kc, int mr, float[] buf) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir);
            if (transA) {
                int dest = ir * kc;
                for (int p = 0; p < kc; p++) {
                    int src = (p0 + p) * m + i0 + ir;
                    int d = dest + p * mr;
                    for (int r = 0; r < rows; r++) {
                        buf[d + r] = a[src + r];
                    }
                    for (int r = rows; r < mr; r++) {
                        buf[d + r] = 0f;
                    }
                }
            } else {
                int dest = ir * KC;
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(a, (i0 + ir + r) * k + p0, buf, dest + r * KC, kc);
                }
                for (int r = rows; r < mr; r++) {
                    Arrays.fill(buf, dest + r * KC, dest + r * KC + kc, 0f);
                }
            }
        }
    }

    /**
     * Packs {@code op(B)[p0..p0+kc) x [j0..j0+nc)} into {@code nr}-column panels: element {@code (p, j)}
     * of panel {@code jr} at {@code jr * kc + p * nr + j}.
     */
    static void packB(boolean transB, float[] b, int n, int k, int j0, int nc, int p0, int kc, int nr, float[] buf) {
        if (transB) {
            packTransposed(b, k, j0, nc, p0, kc, nr, buf);
        } else {
            packRows(b, n, j0, nc, p0, kc, nr, buf);
        }
    }

    /** B stored {@code k x n}: copies row segments a vector at a time, reading B sequentially. */
    private static void packRows(float[] b, int n, int j0, int nc, int p0, int kc, int nr, float[] buf) {
        int full = nc - nc % nr;
        for (int p = 0; p < kc; p++) {
            int src = (p0 + p) * n + j0;
            for (int jr = 0; jr < full; jr += nr) {
                int d = jr * kc + p * nr;
                for (int v = 0; v < nr; v += L) {
                    FloatVector.fromArray(F, b, src + jr + v).intoArray(buf, d + v);
                }
            }
            if (full < nc) {
                int d = full * kc + p * nr;
                int cols = nc - full;
                System.arraycopy(b, src + full, buf, d, cols);
                Arrays.fill(buf, d + cols, d + nr, 0f);
            }
        }
    }

    /**
     * B stored {@code n x k} ({@code op(B) = B^T}): each B row becomes a panel column. Full
     * {@code L x L} blocks go through {@link Transposes#transpose}, the ragged rest element by element.
     */
    private static void packTransposed(float[] b, int k, int j0, int nc, int p0, int kc, int nr, float[] buf) {
        int blockedK = Transposes.available() ? kc - kc % L : 0;
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int dest = jr * kc;
            int j = 0;
            for (; j + L <= cols && blockedK > 0; j += L) {
                int src = (j0 + jr + j) * k + p0;
                for (int p = 0; p < blockedK; p += L) {
                    Transposes.transpose(b, src + p, k, buf, dest + p * nr + j, nr);
                }
                for (int jj = j; jj < j + L; jj++) {
                    int s = (j0 + jr + jj) * k + p0;
                    for (int p = blockedK; p < kc; p++) {
                        buf[dest + p * nr + jj] = b[s + p];
                    }
                }
            }
            for (; j < cols; j++) {
                int src = (j0 + jr + j) * k + p0;
                for (int p = 0; p < kc; p++) {
                    buf[dest + p * nr + j] = b[src + p];
                }
            }
            for (j = cols; j < nr; j++) {
                for (int p = 0; p < kc; p++) {
                    buf[dest + p * nr + j] = 0f;
                }
            }
        }
    }
}
