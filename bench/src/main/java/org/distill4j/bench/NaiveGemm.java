package org.distill4j.bench;

/**
 * The baseline anyone writes first: three nested loops over row-major arrays, no blocking, no
 * packing, no threads. The loop order is i-p-j (row of A times rows of B), so the innermost loop
 * walks contiguous memory and the JIT may vectorise it; transposed operands are read in place.
 */
final class NaiveGemm {
    private NaiveGemm() {
    }

    static void gemm(GemmShape s, float[] a, float[] b, float[] c) {
        int m = s.m();
        int k = s.k();
        int n = s.n();
        java.util.Arrays.fill(c, 0, m * n, 0f);
        for (int i = 0; i < m; i++) {
            int cRow = i * n;
            for (int p = 0; p < k; p++) {
                float aip = s.transA() ? a[p * m + i] : a[i * k + p];
                if (s.transB()) {
                    for (int j = 0; j < n; j++) {
                        c[cRow + j] += aip * b[j * k + p];
                    }
                } else {
                    int bRow = p * n;
                    for (int j = 0; j < n; j++) {
                        c[cRow + j] += aip * b[bRow + j];
                    }
                }
            }
        }
    }
}
