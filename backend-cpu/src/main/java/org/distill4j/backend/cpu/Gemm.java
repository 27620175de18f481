package org.distill4j.backend.cpu;

import java.util.ArrayDeque;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD matrix multiply {@code C = alpha * op(A) * op(B) + beta * C} of the CPU backend: picks a
 * path for the shape, splits C into parts for the worker pool and lends each part its buffers.
 *
 * <p>Most products take the packed path ({@link PackedProduct}), blocked for this machine
 * ({@link Blocking}: the micro-tile from the vector registers, the B block from L2). With at most
 * {@link #SMALL_M} rows (one example's inference), packing B would cost more than the product, so
 * B is streamed once instead ({@link StreamedProduct}, {@link DotProducts#streamDots}). With at
 * most {@link #SMALL_N} columns and no transposes (the output layer's forward), elements are dot
 * products of A's rows with B's columns ({@link #dots}). Other products narrower than a micro-tile
 * compute C^T, which has few rows: with A transposed (the output layer's weight gradient) by
 * streaming A ({@link #narrow}), otherwise through the packed path.
 *
 * <p>Parallel calls split C into at most {@code threads} parts along N (or along M when A is the
 * larger operand) at panel boundaries. Each element's sum is formed in the same order whatever the
 * split and whatever the micro-tile, so results are bit-identical for any thread count and tile
 * on one lane count. Packing buffers live in {@link GemmWorkspace}s reused across calls;
 * concurrent callers each borrow their own.
 */
final class Gemm {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Below this many multiply-adds a call runs on the caller's thread alone. */
    private static final long PARALLEL_MIN_WORK = 1L << 21;
    /**
     * Multiply-adds from which a product at least {@link #DEEP_K} deep is split: the output layer's
     * weight gradient ({@code 1200 x 128 x 10}, 1.5 M) runs in 26 instead of 41 us on two threads
     * ({@link #narrow}; 53 instead of 69 us when it went through the packed path; JMH). Shallower
     * products mostly pack, which every part repeats ({@code 128 x 10 x 1200} went from 37 to 55-63 us
     * when split), so they keep {@link #PARALLEL_MIN_WORK}.
     */
    private static final long PARALLEL_MIN_WORK_DEEP = 1L << 19;
    private static final int DEEP_K = 64;
    /**
     * Rows of op(A) up to which B is streamed instead of packed. Packing B (read, copy, read the
     * copy) and multiplying tiles costs the same for any {@code m} up to a tile's rows; streaming
     * reads B from memory once but makes one pass per row over each cached block of it, so its
     * cost grows with {@code m}. In {@link SmallGemmLatency} at the MLP's shapes the two cross
     * between 5 and 8 rows.
     */
    static final int SMALL_M = 4;
    /**
     * Columns of C up to which a product without transposes is formed as dot products of A's rows
     * with B's columns ({@link #dots}): the output layer's {@code 128 x 1200 x 10} fills a tenth
     * of a micro-tile's width and, transposed, pads 10 rows to 16 and packs all of A; the dots read
     * A once, unpacked, and transpose only B.
     */
    static final int SMALL_N = 16;
    /** Depth from which {@link #dots} pays: shorter rows are mostly lane sums. */
    static final int DOTS_MIN_K = 64;

    private final WorkerPool pool;
    private final Blocking blocking;
    private final int smallM;
    private final ArrayDeque<GemmWorkspace> idle = new ArrayDeque<>();

    /** The gemm blocked for this machine. */
    Gemm(WorkerPool pool) {
        this(pool, Blocking.forThisMachine(null, L), SMALL_M);
    }

    /** A gemm that streams B for at most {@code smallM} rows (0: always packs), to test and time both paths. */
    Gemm(WorkerPool pool, int smallM) {
        this(pool, Blocking.forThisMachine(null, L), smallM);
    }

    Gemm(WorkerPool pool, Blocking blocking, int smallM) {
        if (smallM < 0) {
            throw new IllegalArgumentException("smallM must be >= 0, found " + smallM);
        }
        if (blocking.lanes() != L) {
            throw new IllegalArgumentException("blocking for " + blocking.lanes() + " lanes, the JVM has " + L);
        }
        this.pool = pool;
        this.blocking = blocking;
        this.smallM = smallM;
    }

    Blocking blocking() {
        return blocking;
    }

    /** Columns of a micro-tile. */
    int nr() {
        return blocking.nr();
    }

    private GemmWorkspace borrow() {
        synchronized (idle) {
            GemmWorkspace ws = idle.pollFirst();
            if (ws != null) {
                return ws;
            }
        }
        return new GemmWorkspace(pool.threads(), blocking);
    }

    private void giveBack(GemmWorkspace ws) {
        synchronized (idle) {
            idle.addFirst(ws);
        }
    }

    /** Drops the idle packing buffers (the backend is closing); a later call would make new ones. */
    void releaseBuffers() {
        synchronized (idle) {
            idle.clear();
        }
    }

    /** See {@link ScalarKernels#gemm}; same contract, no scratch needed. */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, float[] a, float[] b, float beta, float[] c) {
        if (alpha == 0f) {
            scaleC(c, m * n, beta);
            return;
        }
        GemmWorkspace ws = borrow();
        try {
            if (!transA && !transB && n <= SMALL_N && k >= DOTS_MIN_K) {
                dots(m, n, k, alpha, a, b, beta, c, ws);
            } else if (m <= smallM) {
                stream(transA, transB, m, n, k, alpha, a, b, beta, c, ws);
            } else if (n < blocking.nr() && n < m) {
                // A narrow C (the 10-class layer) wastes most of each tile's width; C^T = op(B)^T op(A)^T
                // has n rows instead, which the tile's rows fit better.
                float[] ct = ws.transposedC(n * m);
                if (transA) {
                    narrow(transB, m, n, k, alpha, a, b, beta, c, ct, ws);
                } else {
                    multiply(!transB, true, n, m, k, 1f, b, a, 0f, ct, ws);
                    mergeTransposed(ct, 0, m, m, n, alpha, beta, c);
                }
            } else {
                multiply(transA, transB, m, n, k, alpha, a, b, beta, c, ws);
            }
        } finally {
            giveBack(ws);
        }
    }

    /** Splits C into parts, runs them on the pool and waits. */
    private void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                          float beta, float[] c, GemmWorkspace ws) {
        int mr = blocking.mr();
        int nr = blocking.nr();
        int mPanels = Math.ceilDiv(m, mr);
        int nPanels = Math.ceilDiv(n, nr);
        boolean splitN = m <= n ? nPanels > 1 || mPanels == 1 : mPanels == 1;
        int panels = splitN ? nPanels : mPanels;
        long minWork = k >= DEEP_K ? PARALLEL_MIN_WORK_DEEP : PARALLEL_MIN_WORK;
        int parts = (long) m * n * k < minWork ? 1 : Math.min(pool.threads(), panels);
        if (parts == 1) {
            compute(transA, transB, m, n, k, alpha, a, b, beta, c, 0, m, 0, n, ws, 0);
            return;
        }
        pool.run(parts, part -> {
            int from = (int) ((long) panels * part / parts);
            int to = (int) ((long) panels * (part + 1) / parts);
            if (splitN) {
                compute(transA, transB, m, n, k, alpha, a, b, beta, c, 0, m, from * nr, Math.min(n, to * nr), ws, part);
            } else {
                compute(transA, transB, m, n, k, alpha, a, b, beta, c, from * mr, Math.min(m, to * mr), 0, n, ws, part);
            }
        });
    }

    /**
     * The narrow product with A stored {@code k x m} (the weight gradient {@code x^T dY}): C^T's
     * {@code n} rows are {@link StreamedProduct#streamRows} over A, which is read once and never packed. Parts
     * take C's rows at vector boundaries and move their own columns of C^T into C.
     */
    private void narrow(boolean transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta,
                        float[] c, float[] ct, GemmWorkspace ws) {
        int vectors = Math.ceilDiv(m, L);
        long minWork = k >= DEEP_K ? PARALLEL_MIN_WORK_DEEP : PARALLEL_MIN_WORK;
        int parts = (long) m * n * k < minWork ? 1 : Math.min(pool.threads(), vectors);
        if (parts == 1) {
            StreamedProduct.streamRows(!transB, n, m, k, 1f, b, a, 0f, ct, 0, m, ws.tile[0]);
            mergeTransposed(ct, 0, m, m, n, alpha, beta, c);
            return;
        }
        pool.run(parts, part -> {
            int from = (int) ((long) vectors * part / parts) * L;
            int to = Math.min(m, (int) ((long) vectors * (part + 1) / parts) * L);
            StreamedProduct.streamRows(!transB, n, m, k, 1f, b, a, 0f, ct, from, to, ws.tile[part]);
            mergeTransposed(ct, from, to, m, n, alpha, beta, c);
        });
    }

    /** Rows {@code [i0..i1)} of {@code C = alpha * ct^T + beta * C}, where {@code ct} holds C^T ({@code n x m}). */
    private static void mergeTransposed(float[] ct, int i0, int i1, int m, int n, float alpha, float beta, float[] c) {
        for (int i = i0; i < i1; i++) {
            for (int j = 0; j < n; j++) {
                float acc = ct[j * m + i];
                int ci = i * n + j;
                c[ci] = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c[ci] * beta);
            }
        }
    }

    /** The small-m product: splits C's columns into parts at vector boundaries, runs them on the pool and waits. */
    private void stream(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                        float beta, float[] c, GemmWorkspace ws) {
        int vectors = Math.ceilDiv(n, L);
        int parts = (long) m * n * k < PARALLEL_MIN_WORK ? 1 : Math.min(pool.threads(), vectors);
        if (parts == 1) {
            streamPart(transA, transB, m, n, k, alpha, a, b, beta, c, 0, n, ws, 0);
            return;
        }
        pool.run(parts, part -> {
            int from = (int) ((long) vectors * part / parts) * L;
            int to = Math.min(n, (int) ((long) vectors * (part + 1) / parts) * L);
            streamPart(transA, transB, m, n, k, alpha, a, b, beta, c, from, to, ws, part);
        });
    }

    private static void streamPart(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                   float[] b, float beta, float[] c, int j0, int j1, GemmWorkspace ws, int part) {
        if (!transB) {
            StreamedProduct.streamRows(transA, m, n, k, alpha, a, b, beta, c, j0, j1, ws.tile[part]);
        } else if (!transA) {
            DotProducts.streamDots(0, m, n, k, alpha, a, b, beta, c, j0, j1, ws.lanes[part]);
        } else {
            float[] rows = ws.aRows(part, m * k);
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    rows[i * k + p] = a[p * m + i];
                }
            }
            DotProducts.streamDots(0, m, n, k, alpha, rows, b, beta, c, j0, j1, ws.lanes[part]);
        }
    }

    /**
     * The narrow product without transposes: B ({@code k x n}) is copied to rows ({@code n x k}),
     * C's rows are split into parts of whole 4-row blocks, and each element is the dot product of a
     * row of A with a row of that copy. Blocks of 4 x 4 and 4 x 2 elements share their loads; every
     * element is summed in the same order as {@link DotProducts#streamDots}, so its bits depend neither on the
     * blocking, the batch it is in nor the thread count.
     */
    private void dots(int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c, GemmWorkspace ws) {
        float[] bRows = ws.bRows(n * k);
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                bRows[j * k + p] = b[p * n + j];
            }
        }
        int blocks = Math.ceilDiv(m, 4);
        int parts = (long) m * n * k < PARALLEL_MIN_WORK ? 1 : Math.min(pool.threads(), blocks);
        if (parts == 1) {
            DotProducts.dotRows(0, m, n, k, alpha, a, bRows, beta, c, ws.lanes[0]);
            return;
        }
        pool.run(parts, part -> {
            int from = (int) ((long) blocks * part / parts) * 4;
            int to = Math.min(m, (int) ((long) blocks * (part + 1) / parts) * 4);
            DotProducts.dotRows(from, to, n, k, alpha, a, bRows, beta, c, ws.lanes[part]);
        });
    }

    /** One part of the packed path with that part's buffers. */
    private void compute(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                         float beta, float[] c, int i0, int i1, int j0, int j1, GemmWorkspace ws, int part) {
        PackedProduct.compute(blocking, transA, transB, m, n, k, alpha, a, b, beta, c, i0, i1, j0, j1,
                ws.aPack[part], ws.bPack[part], ws.tile[part]);
    }

    private static void scaleC(float[] c, int size, float beta) {
        for (int i = 0; i < size; i++) {
            c[i] = beta == 0f ? 0f : beta * c[i];
        }
    }
}
