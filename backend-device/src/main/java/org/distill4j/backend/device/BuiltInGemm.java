package org.distill4j.backend.device;

/**
 * The gemm kernels of the kernel sources, which take the same arguments:
 * {@code (transA, transB, m, n, k, alpha, A, B, beta, C)}; each work-group computes a
 * {@code tile x tile} block of C with {@code group x group} items.
 */
public enum BuiltInGemm {
    /** {@code gemm_tiled}: 64 x 64 tiles in local memory, 16 x 16 items computing 4 x 4 each. */
    TILED("gemm_tiled", 64, 16),
    /** {@code gemm_reference}: one element of C per item, for devices that cannot run 256 items per group. */
    REFERENCE("gemm_reference", 8, 8);

    private final String kernel;
    final int tile;
    final int group;

    BuiltInGemm(String kernel, int tile, int group) {
        this.kernel = kernel;
        this.tile = tile;
        this.group = group;
    }

    /** The kernel's name in the sources. */
    public String kernel() {
        return kernel;
    }
}
