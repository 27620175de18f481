package org.distill4j.backend.cpu;

/** Packing buffers for one gemm call: one set per part, so parts and concurrent callers never share one. */
final class GemmWorkspace {
    final float[][] aPack;
    final float[][] bPack;
    final float[][] tile;
    /** Per part: where the dot-product kernels store their vector accumulators to add up their lanes. */
    final float[][] lanes;
    /** A transposed A copied to rows for {@link DotProducts#streamDots}, per part. */
    private final float[][] aRows;
    private float[] transposedC = new float[0];
    private float[] bRows = new float[0];

    GemmWorkspace(int parts, Blocking blocking) {
        int lanes = blocking.lanes();
        aPack = new float[parts][blocking.mc() * Blocking.KC];
        bPack = new float[parts][Blocking.KC * blocking.nc()];
        // the larger of a micro-tile and the streamed path's 4 x 4-vector strip
        tile = new float[parts][Math.max(blocking.mr() * blocking.nr(), 16 * lanes)];
        aRows = new float[parts][0];
        this.lanes = new float[parts][16 * lanes];
    }

    /** Part {@code part}'s scratch of at least {@code size} floats, kept for the next call. */
    float[] aRows(int part, int size) {
        if (aRows[part].length < size) {
            aRows[part] = new float[size];
        }
        return aRows[part];
    }

    /** B copied to rows for {@link DotProducts}: at least {@code size} floats, kept for the next call. */
    float[] bRows(int size) {
        if (bRows.length < size) {
            bRows = new float[size];
        }
        return bRows;
    }

    /** A scratch C of at least {@code size} floats, kept for the next call. */
    float[] transposedC(int size) {
        if (transposedC.length < size) {
            transposedC = new float[size];
        }
        return transposedC;
    }
}
