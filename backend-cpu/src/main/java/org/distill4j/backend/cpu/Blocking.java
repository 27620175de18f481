package org.distill4j.backend.cpu;

/**
 * How the packed gemm cuts its operands for one machine: the micro-tile ({@code mr x nr}) from the
 * vector registers, and the B block ({@code KC x nc}) from the L2 cache. The depth {@link #KC} is
 * the same everywhere, because K blocks set the order in which each element is summed: with it
 * fixed, the blocking changes speed and never bits.
 */
record Blocking(MicroTile tile, int lanes, int mc, int nc) {
    /** Largest depth of a packed block: an A panel ({@code mr x KC}, at most 8 KiB) stays in L1 while B panels stream. */
    static final int KC = 256;

    Blocking {
        if (mc % tile.rows != 0 || nc % (tile.vectors * lanes) != 0) {
            throw new IllegalArgumentException("blocks " + mc + " x " + nc + " are not whole " + tile.label() + " tiles");
        }
    }

    /**
     * The blocking for {@code tile} at {@code lanes} lanes: A blocks of 16 panels, and B blocks as wide
     * as fit in three quarters of L2 (the rest holds the A panel, C and what other code left), at
     * least two panels.
     */
    static Blocking of(MicroTile tile, int lanes, CacheSizes caches) {
        int nr = tile.vectors * lanes;
        int panels = Math.max(2, caches.l2Bytes() / 4 * 3 / (KC * Float.BYTES * nr));
        return new Blocking(tile, lanes, 16 * tile.rows, panels * nr);
    }

    /**
     * The blocking for this JVM at {@code lanes} lanes: the tile from its vector registers
     * ({@link VectorMachine#detect}), or {@code tile} when not null, and blocks from its caches.
     */
    static Blocking forThisMachine(MicroTile tile, int lanes) {
        MicroTile chosen = tile != null ? tile : MicroTile.forRegisters(VectorMachine.detect(lanes).registers());
        return of(chosen, lanes, CacheSizes.detect());
    }

    /** Rows of a micro-tile. */
    int mr() {
        return tile.rows;
    }

    /** Columns of a micro-tile. */
    int nr() {
        return tile.vectors * lanes;
    }

    /** E.g. {@code "tile 8x3 (8 x 48), B blocks 256 x 768"}. */
    String describe() {
        return "tile " + tile.label() + " (" + mr() + " x " + nr() + "), B blocks " + KC + " x " + nc;
    }
}
