package org.distill4j.backend.cpu;

import java.util.Locale;

/**
 * The register block of the gemm's micro-kernel: {@code rows} rows of C by {@code vectors} vectors
 * of columns, held in {@code rows * vectors} accumulators while B's vectors and A's broadcasts
 * take the registers left. 8 x 3 needs 28 of AVX-512's or AArch64's 32 registers; with AVX2's 16,
 * C2 keeps 5 x 2 (13 registers) in registers but spills from 6 x 2 (15) on, which runs at less
 * than half the speed (bench/RESULTS.md). Every element of C is summed in the same order whatever
 * the tile, so the choice changes speed, not bits.
 */
enum MicroTile {
    /** 8 rows x 3 vectors, for 32 vector registers. */
    ROWS8_VECTORS3(8, 3),
    /** 5 rows x 2 vectors, for 16 vector registers. */
    ROWS5_VECTORS2(5, 2);

    final int rows;
    final int vectors;

    MicroTile(int rows, int vectors) {
        this.rows = rows;
        this.vectors = vectors;
    }

    /** The largest tile whose accumulators, B vectors and one broadcast fit in {@code registers}. */
    static MicroTile forRegisters(int registers) {
        return registers >= 32 ? ROWS8_VECTORS3 : ROWS5_VECTORS2;
    }

    /** The tile named {@code "8x3"} or {@code "5x2"}, or {@code null} for {@code "auto"}. */
    static MicroTile parse(String option) {
        String s = option.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return null;
        }
        for (MicroTile t : values()) {
            if (t.label().equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("option distill4j.cpu.tile must be auto, 8x3 or 5x2, found '" + option + "'");
    }

    /** E.g. {@code "8x3"}. */
    String label() {
        return rows + "x" + vectors;
    }
}
