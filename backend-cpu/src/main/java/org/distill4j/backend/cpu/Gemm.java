package org.distill4j.backend.cpu;

import java.util.ArrayDeque;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD matrix multiply {@code C = alpha * op(A) * op(B) + beta * C} of the CPU backend.
 *
 * <p>Goto/BLIS structure: {@code op(B)} is taken in blocks of at most {@code KC x NC} as panels
 * {@code NR} columns wide, {@code op(A)} is copied in blocks of at most {@code MC x KC} into panels
 * {@code MR} rows high, and a register-blocked micro-kernel multiplies one A panel by one B panel
 * into an {@code MR x NR} tile held in {@code MR * 3} vector accumulators with FMA. A B stored
 * {@code k x n} is read in place, its panels being row segments with stride {@code n} (copying
 * them cost a third of the time at the training shapes); a transposed B goes through 16 x 16
 * in-register transposes into packed panels, as does a ragged last panel, padded with zeros. A
 * panels keep whichever order ({@code (p, r)} or {@code (r, p)}) lets them be copied contiguously,
 * with a micro-kernel for each (one kernel taking both strides ran 20-35% slower, JMH 2026-12-01).
 *
 * <p>K is cut into equal blocks of at most {@code KC}; the first block applies {@code beta}, the
 * others accumulate. Parallel calls split C into at most {@code threads} parts along N (or along
 * M when A is the larger operand) at panel boundaries. Each element's sum is formed in the same
 * order whatever the split, so results are bit-identical for any thread count. Packing buffers
 * live in {@link Workspace}s reused across calls; concurrent callers each borrow their own.
 *
 * <p>With at most {@link #SMALL_M} rows (one example's inference), packing B would cost more than
 * the product, so B is streamed once instead ({@link #streamRows}, {@link #streamDots}). With at
 * most {@link #SMALL_N} columns and no transposes (the output layer's forward), elements are dot
 * products of A's rows with B's columns ({@link #dots}). Other products with fewer than
 * {@code NR} columns compute C^T, which has few rows: with A transposed (the output layer's weight
 * gradient) by streaming A through 4-row strips ({@link #narrow}), otherwise through the packed path.
 */
final class Gemm {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Rows of a micro-tile. */
    static final int MR = 8;
    /** Columns of a micro-tile: three vectors. */
    static final int NR = 3 * L;
    /** Largest depth of a packed block: an A panel ({@code MR x KC}, 8 KiB) stays in L1 while B panels stream. */
    static final int KC = 256;
    /** Rows of a packed A block (a multiple of MR). */
    static final int MC = 128;
    /** Columns of a B block (a multiple of NR): {@code KC x NC} floats (768 KiB) stay in a 1 MiB L2. */
    static final int NC = 16 * NR;
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
     * copy) and multiplying {@code MR}-row tiles costs the same for any {@code m <= MR}; streaming
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

    /** Lane moves and masks of {@link #transpose16}, which runs only with 16 float lanes. */
    private static final VectorShuffle<Float> UP8 = L == 16 ? shuffle(8, true) : null;
    private static final VectorShuffle<Float> UP4 = L == 16 ? shuffle(4, true) : null;
    private static final VectorShuffle<Float> UP2 = L == 16 ? shuffle(2, true) : null;
    private static final VectorShuffle<Float> UP1 = L == 16 ? shuffle(1, true) : null;
    private static final VectorShuffle<Float> DOWN8 = L == 16 ? shuffle(8, false) : null;
    private static final VectorShuffle<Float> DOWN4 = L == 16 ? shuffle(4, false) : null;
    private static final VectorShuffle<Float> DOWN2 = L == 16 ? shuffle(2, false) : null;
    private static final VectorShuffle<Float> DOWN1 = L == 16 ? shuffle(1, false) : null;
    private static final VectorMask<Float> HIGH8 = L == 16 ? high(8) : null;
    private static final VectorMask<Float> HIGH4 = L == 16 ? high(4) : null;
    private static final VectorMask<Float> HIGH2 = L == 16 ? high(2) : null;
    private static final VectorMask<Float> HIGH1 = L == 16 ? high(1) : null;
    private final WorkerPool pool;
    private final int smallM;
    private final ArrayDeque<Workspace> idle = new ArrayDeque<>();

    Gemm(WorkerPool pool) {
        this(pool, SMALL_M);
    }

    /** A gemm that streams B for at most {@code smallM} rows (0: always packs), to test and time both paths. */
    Gemm(WorkerPool pool, int smallM) {
        if (smallM < 0) {
            throw new IllegalArgumentException("smallM must be >= 0, found " + smallM);
        }
        this.pool = pool;
        this.smallM = smallM;
    }

    /** Packing buffers for one call: one set per part, so parts and callers never share one. */
    static final class Workspace {
        final float[][] aPack;
        final float[][] bPack;
        final float[][] tile;
        /** A transposed A copied to rows for {@link #streamDots}, per part. */
        private final float[][] aRows;
        /** Per part: where the dot-product kernels store their vector accumulators to add up their lanes. */
        final float[][] lanes;
        private float[] transposedC = new float[0];
        private float[] bRows = new float[0];

        Workspace(int parts) {
            aPack = new float[parts][MC * KC];
            bPack = new float[parts][KC * NC];
            tile = new float[parts][MR * NR];
            aRows = new float[parts][0];
            lanes = new float[parts][16 * L];
        }

        /** Part {@code part}'s scratch of at least {@code size} floats, kept for the next call. */
        float[] aRows(int part, int size) {
            if (aRows[part].length < size) {
                aRows[part] = new float[size];
            }
            return aRows[part];
        }

        /** B copied to rows for {@link #dots}: at least {@code size} floats, kept for the next call. */
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

    private Workspace borrow() {
        synchronized (idle) {
            Workspace ws = idle.pollFirst();
            if (ws != null) {
                return ws;
            }
        }
        return new Workspace(pool.threads());
    }

    private void giveBack(Workspace ws) {
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
        Workspace ws = borrow();
        try {
            if (!transA && !transB && n <= SMALL_N && k >= DOTS_MIN_K) {
                dots(m, n, k, alpha, a, b, beta, c, ws);
            } else if (m <= smallM) {
                stream(transA, transB, m, n, k, alpha, a, b, beta, c, ws);
            } else if (n < NR && n < m) {
                // A narrow C (the 10-class layer) wastes most of each NR-wide tile; C^T = op(B)^T op(A)^T
                // has n rows instead, which MR-row panels fit better.
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
                          float beta, float[] c, Workspace ws) {
        int mPanels = ceilDiv(m, MR);
        int nPanels = ceilDiv(n, NR);
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
                compute(transA, transB, m, n, k, alpha, a, b, beta, c, 0, m, from * NR, Math.min(n, to * NR), ws, part);
            } else {
                compute(transA, transB, m, n, k, alpha, a, b, beta, c, from * MR, Math.min(m, to * MR), 0, n, ws, part);
            }
        });
    }

    /**
     * The narrow product with A stored {@code k x m} (the weight gradient {@code x^T dY}): C^T's
     * {@code n} rows are {@link #streamRows} over A, which is read once and never packed. Parts
     * take C's rows at vector boundaries and move their own columns of C^T into C.
     */
    private void narrow(boolean transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta,
                        float[] c, float[] ct, Workspace ws) {
        int vectors = ceilDiv(m, L);
        long minWork = k >= DEEP_K ? PARALLEL_MIN_WORK_DEEP : PARALLEL_MIN_WORK;
        int parts = (long) m * n * k < minWork ? 1 : Math.min(pool.threads(), vectors);
        if (parts == 1) {
            streamRows(!transB, n, m, k, 1f, b, a, 0f, ct, 0, m, ws.tile[0]);
            mergeTransposed(ct, 0, m, m, n, alpha, beta, c);
            return;
        }
        pool.run(parts, part -> {
            int from = (int) ((long) vectors * part / parts) * L;
            int to = Math.min(m, (int) ((long) vectors * (part + 1) / parts) * L);
            streamRows(!transB, n, m, k, 1f, b, a, 0f, ct, from, to, ws.tile[part]);
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
                        float beta, float[] c, Workspace ws) {
        int vectors = ceilDiv(n, L);
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
                                   float[] b, float beta, float[] c, int j0, int j1, Workspace ws, int part) {
        if (!transB) {
            streamRows(transA, m, n, k, alpha, a, b, beta, c, j0, j1, ws.tile[part]);
        } else if (!transA) {
            streamDots(0, m, n, k, alpha, a, b, beta, c, j0, j1, ws.lanes[part]);
        } else {
            float[] rows = ws.aRows(part, m * k);
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    rows[i * k + p] = a[p * m + i];
                }
            }
            streamDots(0, m, n, k, alpha, rows, b, beta, c, j0, j1, ws.lanes[part]);
        }
    }

    /**
     * The narrow product without transposes: B ({@code k x n}) is copied to rows ({@code n x k}),
     * C's rows are split into parts of whole 4-row blocks, and each element is {@link #dot} of a
     * row of A with a row of that copy. Blocks of 4 x 4 and 4 x 2 elements share their loads; every
     * element is summed in the same order as {@code dot}'s, so its bits depend neither on the
     * blocking, the batch it is in nor the thread count.
     */
    private void dots(int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c, Workspace ws) {
        float[] bRows = ws.bRows(n * k);
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                bRows[j * k + p] = b[p * n + j];
            }
        }
        int blocks = ceilDiv(m, 4);
        int parts = (long) m * n * k < PARALLEL_MIN_WORK ? 1 : Math.min(pool.threads(), blocks);
        if (parts == 1) {
            dotRows(0, m, n, k, alpha, a, bRows, beta, c, ws.lanes[0]);
            return;
        }
        pool.run(parts, part -> {
            int from = (int) ((long) blocks * part / parts) * 4;
            int to = Math.min(m, (int) ((long) blocks * (part + 1) / parts) * 4);
            dotRows(from, to, n, k, alpha, a, bRows, beta, c, ws.lanes[part]);
        });
    }

    /** Rows {@code [i0..i1)} of {@link #dots}: 4-row blocks, their last odd column and the last rows by {@link #streamDots}. */
    private static void dotRows(int i0, int i1, int n, int k, float alpha, float[] a, float[] bRows, float beta,
                                float[] c, float[] lanes) {
        int i = i0;
        for (; i + 4 <= i1; i += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                dots4x4(a, i * k, bRows, j * k, k, alpha, beta, c, i * n + j, n, lanes);
            }
            for (; j + 2 <= n; j += 2) {
                dots4x2(a, i * k, bRows, j * k, k, alpha, beta, c, i * n + j, n, lanes);
            }
            streamDots(i, i + 4, n, k, alpha, a, bRows, beta, c, j, n, lanes);
        }
        streamDots(i, i1, n, k, alpha, a, bRows, beta, c, 0, n, lanes);
    }

    /** {@link #dot}s of rows {@code x, x+k, x+2k, x+3k} with rows {@code y .. y+3k}, merged into C at {@code cOff}. */
    private static void dots4x4(float[] x, int xOff, float[] y, int yOff, int k, float alpha, float beta, float[] c,
                                int cOff, int ldc, float[] lanes) {
        FloatVector s00 = FloatVector.zero(F), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
        FloatVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        int p = 0;
        for (int upper = F.loopBound(k); p < upper; p += L) {
            FloatVector y0 = FloatVector.fromArray(F, y, yOff + p);
            FloatVector y1 = FloatVector.fromArray(F, y, yOff + k + p);
            FloatVector y2 = FloatVector.fromArray(F, y, yOff + 2 * k + p);
            FloatVector y3 = FloatVector.fromArray(F, y, yOff + 3 * k + p);
            FloatVector x0 = FloatVector.fromArray(F, x, xOff + p);
            s00 = x0.fma(y0, s00);
            s01 = x0.fma(y1, s01);
            s02 = x0.fma(y2, s02);
            s03 = x0.fma(y3, s03);
            FloatVector x1 = FloatVector.fromArray(F, x, xOff + k + p);
            s10 = x1.fma(y0, s10);
            s11 = x1.fma(y1, s11);
            s12 = x1.fma(y2, s12);
            s13 = x1.fma(y3, s13);
            FloatVector x2 = FloatVector.fromArray(F, x, xOff + 2 * k + p);
            s20 = x2.fma(y0, s20);
            s21 = x2.fma(y1, s21);
            s22 = x2.fma(y2, s22);
            s23 = x2.fma(y3, s23);
            FloatVector x3 = FloatVector.fromArray(F, x, xOff + 3 * k + p);
            s30 = x3.fma(y0, s30);
            s31 = x3.fma(y1, s31);
            s32 = x3.fma(y2, s32);
            s33 = x3.fma(y3, s33);
        }
        s00.intoArray(lanes, 0 * L);
        s01.intoArray(lanes, 1 * L);
        s02.intoArray(lanes, 2 * L);
        s03.intoArray(lanes, 3 * L);
        s10.intoArray(lanes, 4 * L);
        s11.intoArray(lanes, 5 * L);
        s12.intoArray(lanes, 6 * L);
        s13.intoArray(lanes, 7 * L);
        s20.intoArray(lanes, 8 * L);
        s21.intoArray(lanes, 9 * L);
        s22.intoArray(lanes, 10 * L);
        s23.intoArray(lanes, 11 * L);
        s30.intoArray(lanes, 12 * L);
        s31.intoArray(lanes, 13 * L);
        s32.intoArray(lanes, 14 * L);
        s33.intoArray(lanes, 15 * L);
        finishDots(x, xOff, y, yOff, k, p, lanes, 4, alpha, beta, c, cOff, ldc);
    }

    /** {@link #dots4x4} for two rows of {@code y}. */
    private static void dots4x2(float[] x, int xOff, float[] y, int yOff, int k, float alpha, float beta, float[] c,
                                int cOff, int ldc, float[] lanes) {
        FloatVector s00 = FloatVector.zero(F), s01 = s00, s10 = s00, s11 = s00;
        FloatVector s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        int p = 0;
        for (int upper = F.loopBound(k); p < upper; p += L) {
            FloatVector y0 = FloatVector.fromArray(F, y, yOff + p);
            FloatVector y1 = FloatVector.fromArray(F, y, yOff + k + p);
            FloatVector x0 = FloatVector.fromArray(F, x, xOff + p);
            FloatVector x1 = FloatVector.fromArray(F, x, xOff + k + p);
            FloatVector x2 = FloatVector.fromArray(F, x, xOff + 2 * k + p);
            FloatVector x3 = FloatVector.fromArray(F, x, xOff + 3 * k + p);
            s00 = x0.fma(y0, s00);
            s01 = x0.fma(y1, s01);
            s10 = x1.fma(y0, s10);
            s11 = x1.fma(y1, s11);
            s20 = x2.fma(y0, s20);
            s21 = x2.fma(y1, s21);
            s30 = x3.fma(y0, s30);
            s31 = x3.fma(y1, s31);
        }
        s00.intoArray(lanes, 0 * L);
        s01.intoArray(lanes, 1 * L);
        s10.intoArray(lanes, 2 * L);
        s11.intoArray(lanes, 3 * L);
        s20.intoArray(lanes, 4 * L);
        s21.intoArray(lanes, 5 * L);
        s30.intoArray(lanes, 6 * L);
        s31.intoArray(lanes, 7 * L);
        finishDots(x, xOff, y, yOff, k, p, lanes, 2, alpha, beta, c, cOff, ldc);
    }

    /**
     * Ends a block of 4 rows x {@code cols} elements whose accumulators are stored in {@code lanes},
     * row by row ({@code (r * cols + j) * L}), each by {@link #finishDot}.
     */
    private static void finishDots(float[] x, int xOff, float[] y, int yOff, int k, int p, float[] lanes, int cols,
                                   float alpha, float beta, float[] c, int cOff, int ldc) {
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < cols; j++) {
                finishDot(x, xOff + r * k, y, yOff + j * k, k, p, lanes, (r * cols + j) * L, alpha, beta, c,
                        cOff + r * ldc + j);
            }
        }
    }

    /** Ends one element of {@link #dots} as {@link #dot} ends: lane sum, the tail from {@code p}, alpha and beta. */
    private static void finishDot(float[] x, int xOff, float[] y, int yOff, int k, int p, float[] lanes, int laneOff,
                                  float alpha, float beta, float[] c, int ci) {
        float d = VectorKernels.sumLanes(lanes, laneOff);
        for (; p < k; p++) {
            d = Math.fma(x[xOff + p], y[yOff + p], d);
        }
        c[ci] = beta == 0f ? d * alpha : Math.fma(d, alpha, c[ci] * beta);
    }

    /**
     * {@code C[0..m) x [j0..j1)} for B stored {@code k x n}, reading B once from memory: strips of
     * C four vectors wide are summed in registers over a K block for four rows of op(A) at a time
     * (then one for the last rows), the block's B strip staying in cache for the next rows. Sums
     * run over the same K blocks, in the same order and with the same FMAs as the packed path, so
     * a row's result does not depend on whether it was computed alone or in a batch.
     * {@code tile} is scratch of at least {@code 16 L} floats. {@link ScalarKernels#gemm} is the plain loop.
     */
    static void streamRows(boolean transA, int m, int n, int k, float alpha, float[] a, float[] b, float beta,
                           float[] c, int j0, int j1, float[] tile) {
        int kBlocks = ceilDiv(k, KC);
        int aStep = transA ? m : 1;
        int rowStep = transA ? 1 : k;
        int j = j0;
        for (; j + 4 * L <= j1; j += 4 * L) {
            for (int kb = 0; kb < kBlocks; kb++) {
                int p0 = (int) ((long) k * kb / kBlocks);
                int p1 = (int) ((long) k * (kb + 1) / kBlocks);
                float blockBeta = kb == 0 ? beta : 1f;
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    strip4x4(a, i * rowStep, rowStep, aStep, b, n, p0, p1, j, tile);
                    storeTile(tile, 4, 4 * L, c, i * n + j, n, alpha, blockBeta);
                }
                for (; i < m; i++) {
                    strip4(a, i * rowStep, aStep, b, n, p0, p1, c, i * n + j, j, alpha, blockBeta);
                }
            }
        }
        for (; j < j1; j += L) {
            VectorMask<Float> live = F.indexInRange(j, j1);
            for (int kb = 0; kb < kBlocks; kb++) {
                int p0 = (int) ((long) k * kb / kBlocks);
                int p1 = (int) ((long) k * (kb + 1) / kBlocks);
                for (int i = 0; i < m; i++) {
                    strip1(a, i * rowStep, aStep, b, n, p0, p1, c, i * n + j, j, live, alpha, kb == 0 ? beta : 1f);
                }
            }
        }
    }

    /**
     * The sums of {@link #strip4} for four rows of op(A) at once, written row-major into
     * {@code tile} (4 rows of {@code 4 L}): row {@code r}'s element {@code p} is
     * {@code a[aOff + r * rowStep + p * aStep]}. Each B load serves four rows.
     */
    private static void strip4x4(float[] a, int aOff, int rowStep, int aStep, float[] b, int n, int p0, int p1, int j,
                                 float[] tile) {
        FloatVector s00 = FloatVector.zero(F);
        FloatVector s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
        FloatVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        for (int p = p0; p < p1; p++) {
            int bi = p * n + j;
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(F, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, b, bi + 3 * L);
            int ai = aOff + p * aStep;
            FloatVector a0 = FloatVector.broadcast(F, a[ai]);
            s00 = a0.fma(b0, s00);
            s01 = a0.fma(b1, s01);
            s02 = a0.fma(b2, s02);
            s03 = a0.fma(b3, s03);
            FloatVector a1 = FloatVector.broadcast(F, a[ai + rowStep]);
            s10 = a1.fma(b0, s10);
            s11 = a1.fma(b1, s11);
            s12 = a1.fma(b2, s12);
            s13 = a1.fma(b3, s13);
            FloatVector a2 = FloatVector.broadcast(F, a[ai + 2 * rowStep]);
            s20 = a2.fma(b0, s20);
            s21 = a2.fma(b1, s21);
            s22 = a2.fma(b2, s22);
            s23 = a2.fma(b3, s23);
            FloatVector a3 = FloatVector.broadcast(F, a[ai + 3 * rowStep]);
            s30 = a3.fma(b0, s30);
            s31 = a3.fma(b1, s31);
            s32 = a3.fma(b2, s32);
            s33 = a3.fma(b3, s33);
        }
        s00.intoArray(tile, 0);
        s01.intoArray(tile, L);
        s02.intoArray(tile, 2 * L);
        s03.intoArray(tile, 3 * L);
        s10.intoArray(tile, 4 * L);
        s11.intoArray(tile, 5 * L);
        s12.intoArray(tile, 6 * L);
        s13.intoArray(tile, 7 * L);
        s20.intoArray(tile, 8 * L);
        s21.intoArray(tile, 9 * L);
        s22.intoArray(tile, 10 * L);
        s23.intoArray(tile, 11 * L);
        s30.intoArray(tile, 12 * L);
        s31.intoArray(tile, 13 * L);
        s32.intoArray(tile, 14 * L);
        s33.intoArray(tile, 15 * L);
    }

    /**
     * {@code C[ci..ci+4L) = alpha * sum_{p0 <= p < p1} A[aOff + p * aStep] * B[p][j..j+4L) + beta * C},
     * rounded as {@link #storeTile}.
     */
    private static void strip4(float[] a, int aOff, int aStep, float[] b, int n, int p0, int p1, float[] c, int ci,
                               int j, float alpha, float beta) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int p = p0; p < p1; p++) {
            FloatVector ap = FloatVector.broadcast(F, a[aOff + p * aStep]);
            int bi = p * n + j;
            s0 = ap.fma(FloatVector.fromArray(F, b, bi), s0);
            s1 = ap.fma(FloatVector.fromArray(F, b, bi + L), s1);
            s2 = ap.fma(FloatVector.fromArray(F, b, bi + 2 * L), s2);
            s3 = ap.fma(FloatVector.fromArray(F, b, bi + 3 * L), s3);
        }
        FloatVector av = FloatVector.broadcast(F, alpha);
        if (beta == 0f) {
            s0.mul(av).intoArray(c, ci);
            s1.mul(av).intoArray(c, ci + L);
            s2.mul(av).intoArray(c, ci + 2 * L);
            s3.mul(av).intoArray(c, ci + 3 * L);
        } else {
            s0.fma(av, FloatVector.fromArray(F, c, ci).mul(beta)).intoArray(c, ci);
            s1.fma(av, FloatVector.fromArray(F, c, ci + L).mul(beta)).intoArray(c, ci + L);
            s2.fma(av, FloatVector.fromArray(F, c, ci + 2 * L).mul(beta)).intoArray(c, ci + 2 * L);
            s3.fma(av, FloatVector.fromArray(F, c, ci + 3 * L).mul(beta)).intoArray(c, ci + 3 * L);
        }
    }

    /** {@link #strip4} for one vector of columns, of which the {@code live} lanes exist. */
    private static void strip1(float[] a, int aOff, int aStep, float[] b, int n, int p0, int p1, float[] c, int ci,
                               int j, VectorMask<Float> live, float alpha, float beta) {
        FloatVector s = FloatVector.zero(F);
        for (int p = p0; p < p1; p++) {
            s = FloatVector.broadcast(F, a[aOff + p * aStep]).fma(FloatVector.fromArray(F, b, p * n + j, live), s);
        }
        FloatVector av = FloatVector.broadcast(F, alpha);
        FloatVector out = beta == 0f ? s.mul(av) : s.fma(av, FloatVector.fromArray(F, c, ci, live).mul(beta));
        out.intoArray(c, ci, live);
    }

    /**
     * {@code C[i0..i1) x [j0..j1)} for A stored {@code m x k} and B stored {@code n x k}
     * ({@code op(B) = B^T}): each element is the dot product of two contiguous rows, four B rows
     * at a time. The lanes' partial sums are added at the end, so results differ in rounding from
     * the packed path's.
     */
    static void streamDots(int i0, int i1, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c,
                           int j0, int j1, float[] lanes) {
        for (int i = i0; i < i1; i++) {
            int j = j0;
            for (; j + 4 <= j1; j += 4) {
                dot4(a, i * k, b, j * k, k, alpha, beta, c, i * n + j, lanes);
            }
            for (; j < j1; j++) {
                float dot = dot(a, i * k, b, j * k, k, lanes);
                int ci = i * n + j;
                c[ci] = beta == 0f ? dot * alpha : Math.fma(dot, alpha, c[ci] * beta);
            }
        }
    }

    private static float dot(float[] x, int xOff, float[] y, int yOff, int len, float[] lanes) {
        FloatVector acc = FloatVector.zero(F);
        int p = 0;
        for (int upper = F.loopBound(len); p < upper; p += L) {
            acc = FloatVector.fromArray(F, x, xOff + p).fma(FloatVector.fromArray(F, y, yOff + p), acc);
        }
        acc.intoArray(lanes, 0);
        float sum = VectorKernels.sumLanes(lanes, 0);
        for (; p < len; p++) {
            sum = Math.fma(x[xOff + p], y[yOff + p], sum);
        }
        return sum;
    }

    /** {@link #dot} of {@code x} with four consecutive rows of {@code y}, merged into {@code c[cOff..cOff+4)}. */
    private static void dot4(float[] x, int xOff, float[] y, int yOff, int len, float alpha, float beta, float[] c,
                             int cOff, float[] lanes) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int p = 0;
        for (int upper = F.loopBound(len); p < upper; p += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + p);
            s0 = xv.fma(FloatVector.fromArray(F, y, yOff + p), s0);
            s1 = xv.fma(FloatVector.fromArray(F, y, yOff + len + p), s1);
            s2 = xv.fma(FloatVector.fromArray(F, y, yOff + 2 * len + p), s2);
            s3 = xv.fma(FloatVector.fromArray(F, y, yOff + 3 * len + p), s3);
        }
        s0.intoArray(lanes, 0);
        s1.intoArray(lanes, L);
        s2.intoArray(lanes, 2 * L);
        s3.intoArray(lanes, 3 * L);
        float d0 = VectorKernels.sumLanes(lanes, 0);
        float d1 = VectorKernels.sumLanes(lanes, L);
        float d2 = VectorKernels.sumLanes(lanes, 2 * L);
        float d3 = VectorKernels.sumLanes(lanes, 3 * L);
        for (; p < len; p++) {
            float xp = x[xOff + p];
            d0 = Math.fma(xp, y[yOff + p], d0);
            d1 = Math.fma(xp, y[yOff + len + p], d1);
            d2 = Math.fma(xp, y[yOff + 2 * len + p], d2);
            d3 = Math.fma(xp, y[yOff + 3 * len + p], d3);
        }
        c[cOff] = beta == 0f ? d0 * alpha : Math.fma(d0, alpha, c[cOff] * beta);
        c[cOff + 1] = beta == 0f ? d1 * alpha : Math.fma(d1, alpha, c[cOff + 1] * beta);
        c[cOff + 2] = beta == 0f ? d2 * alpha : Math.fma(d2, alpha, c[cOff + 2] * beta);
        c[cOff + 3] = beta == 0f ? d3 * alpha : Math.fma(d3, alpha, c[cOff + 3] * beta);
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static void scaleC(float[] c, int size, float beta) {
        for (int i = 0; i < size; i++) {
            c[i] = beta == 0f ? 0f : beta * c[i];
        }
    }

    /** One part: the block {@code C[i0..i1) x [j0..j1)}. */
    private static void compute(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                float[] b, float beta, float[] c, int i0, int i1, int j0, int j1,
                                Workspace ws, int part) {
        float[] aPack = ws.aPack[part];
        float[] bPack = ws.bPack[part];
        float[] tile = ws.tile[part];
        int kBlocks = ceilDiv(k, KC);
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int kb = 0; kb < kBlocks; kb++) {
                int pc = (int) ((long) k * kb / kBlocks);
                int kc = (int) ((long) k * (kb + 1) / kBlocks) - pc;
                float blockBeta = kb == 0 ? beta : 1f;
                // Rows of a B stored k x n are read in place by the kernels; only a ragged last panel is packed.
                int inPlace = transB ? 0 : nc - nc % NR;
                if (transB) {
                    packB(true, b, n, k, jc, nc, pc, kc, bPack);
                } else if (inPlace < nc) {
                    packB(false, b, n, k, jc + inPlace, nc - inPlace, pc, kc, bPack);
                }
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(transA, a, m, k, ic, mc, pc, kc, aPack);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int aOff = transA ? ir * kc : ir * KC;
                        for (int jr = 0; jr < nc; jr += NR) {
                            float[] bp = jr < inPlace ? b : bPack;
                            int bOff = jr < inPlace ? pc * n + jc + jr : (jr - inPlace) * kc;
                            int bStride = jr < inPlace ? n : NR;
                            if (transA) {
                                kernelPR(kc, aPack, aOff, bp, bOff, bStride, tile);
                            } else {
                                kernelRP(kc, aPack, aOff, bp, bOff, bStride, tile);
                            }
                            int cOff = (ic + ir) * n + jc + jr;
                            if (mc - ir >= MR && nc - jr >= NR) {
                                storeTile(tile, MR, NR, c, cOff, n, alpha, blockBeta);
                            } else {
                                mergeTile(tile, Math.min(MR, mc - ir), Math.min(NR, nc - jr), c, cOff, n, alpha,
                                        blockBeta);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs {@code op(A)[i0..i0+mc) x [p0..p0+kc)} into MR-row panels, rows past {@code mc} zero.
     * With transA the columns of the stored A are contiguous, so panel {@code ir} holds element
     * {@code (p, r)} at {@code ir * kc + p * MR + r}; without, its rows are, so it holds
     * {@code (r, p)} at {@code ir * KC + r * KC + p}.
     */
    static void packA(boolean transA, float[] a, int m, int k, int i0, int mc, int p0, int kc, float[] buf) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            if (transA) {
                int dest = ir * kc;
                for (int p = 0; p < kc; p++) {
                    int src = (p0 + p) * m + i0 + ir;
                    int d = dest + p * MR;
                    for (int r = 0; r < rows; r++) {
                        buf[d + r] = a[src + r];
                    }
                    for (int r = rows; r < MR; r++) {
                        buf[d + r] = 0f;
                    }
                }
            } else {
                int dest = ir * KC;
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(a, (i0 + ir + r) * k + p0, buf, dest + r * KC, kc);
                }
                for (int r = rows; r < MR; r++) {
                    Arrays.fill(buf, dest + r * KC, dest + r * KC + kc, 0f);
                }
            }
        }
    }

    /** Packs {@code op(B)[p0..p0+kc) x [j0..j0+nc)} into NR-column panels: element {@code (p, j)} of panel {@code jr} at {@code jr * kc + p * NR + j}. */
    static void packB(boolean transB, float[] b, int n, int k, int j0, int nc, int p0, int kc, float[] buf) {
        if (transB) {
            packTransposed(b, k, j0, nc, p0, kc, buf);
        } else {
            packRows(b, n, j0, nc, p0, kc, buf);
        }
    }

    /** B stored {@code k x n}: copies row segments, reading B sequentially. */
    private static void packRows(float[] b, int n, int j0, int nc, int p0, int kc, float[] buf) {
        int full = nc - nc % NR;
        for (int p = 0; p < kc; p++) {
            int src = (p0 + p) * n + j0;
            for (int jr = 0; jr < full; jr += NR) {
                int d = jr * kc + p * NR;
                FloatVector.fromArray(F, b, src + jr).intoArray(buf, d);
                FloatVector.fromArray(F, b, src + jr + L).intoArray(buf, d + L);
                FloatVector.fromArray(F, b, src + jr + 2 * L).intoArray(buf, d + 2 * L);
            }
            if (full < nc) {
                int d = full * kc + p * NR;
                int cols = nc - full;
                System.arraycopy(b, src + full, buf, d, cols);
                Arrays.fill(buf, d + cols, d + NR, 0f);
            }
        }
    }

    /**
     * B stored {@code n x k} ({@code op(B) = B^T}): each B row becomes a panel column. Full 16 x 16
     * blocks are transposed in registers, the ragged rest element by element.
     */
    private static void packTransposed(float[] b, int k, int j0, int nc, int p0, int kc, float[] buf) {
        int blockedK = L == 16 ? kc - kc % 16 : 0;
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int dest = jr * kc;
            int j = 0;
            for (; j + 16 <= cols && blockedK > 0; j += 16) {
                int src = (j0 + jr + j) * k + p0;
                for (int p = 0; p < blockedK; p += 16) {
                    transpose16(b, src + p, k, buf, dest + p * NR + j);
                }
                for (int jj = j; jj < j + 16; jj++) {
                    int s = (j0 + jr + jj) * k + p0;
                    for (int p = blockedK; p < kc; p++) {
                        buf[dest + p * NR + jj] = b[s + p];
                    }
                }
            }
            for (; j < cols; j++) {
                int src = (j0 + jr + j) * k + p0;
                for (int p = 0; p < kc; p++) {
                    buf[dest + p * NR + j] = b[src + p];
                }
            }
            for (j = cols; j < NR; j++) {
                for (int p = 0; p < kc; p++) {
                    buf[dest + p * NR + j] = 0f;
                }
            }
        }
    }

    /** Lane {@code c} takes lane {@code c - d} (up) or {@code c + d} (down) where that moves across bit {@code d}. */
    private static VectorShuffle<Float> shuffle(int d, boolean up) {
        int[] index = new int[L];
        for (int c = 0; c < L; c++) {
            boolean high = (c & d) != 0;
            index[c] = up ? (high ? c - d : c) : (high ? c : c + d);
        }
        return VectorShuffle.fromArray(F, index, 0);
    }

    /** The lanes whose index has bit {@code d} set. */
    private static VectorMask<Float> high(int d) {
        boolean[] bits = new boolean[L];
        for (int c = 0; c < L; c++) {
            bits[c] = (c & d) != 0;
        }
        return VectorMask.fromArray(F, bits, 0);
    }

    /**
     * Writes the transpose of the 16 x 16 block {@code b[src + r * ld + c]} to
     * {@code buf[dst + c * NR + r]}: four butterfly stages of lane rotations and blends.
     */
    private static void transpose16(float[] b, int src, int ld, float[] buf, int dst) {
        FloatVector r0 = FloatVector.fromArray(F, b, src);
        FloatVector r1 = FloatVector.fromArray(F, b, src + 1 * ld);
        FloatVector r2 = FloatVector.fromArray(F, b, src + 2 * ld);
        FloatVector r3 = FloatVector.fromArray(F, b, src + 3 * ld);
        FloatVector r4 = FloatVector.fromArray(F, b, src + 4 * ld);
        FloatVector r5 = FloatVector.fromArray(F, b, src + 5 * ld);
        FloatVector r6 = FloatVector.fromArray(F, b, src + 6 * ld);
        FloatVector r7 = FloatVector.fromArray(F, b, src + 7 * ld);
        FloatVector r8 = FloatVector.fromArray(F, b, src + 8 * ld);
        FloatVector r9 = FloatVector.fromArray(F, b, src + 9 * ld);
        FloatVector r10 = FloatVector.fromArray(F, b, src + 10 * ld);
        FloatVector r11 = FloatVector.fromArray(F, b, src + 11 * ld);
        FloatVector r12 = FloatVector.fromArray(F, b, src + 12 * ld);
        FloatVector r13 = FloatVector.fromArray(F, b, src + 13 * ld);
        FloatVector r14 = FloatVector.fromArray(F, b, src + 14 * ld);
        FloatVector r15 = FloatVector.fromArray(F, b, src + 15 * ld);
        FloatVector t;
        t = r0.blend(r8.rearrange(UP8), HIGH8);
        r8 = r0.rearrange(DOWN8).blend(r8, HIGH8);
        r0 = t;
        t = r1.blend(r9.rearrange(UP8), HIGH8);
        r9 = r1.rearrange(DOWN8).blend(r9, HIGH8);
        r1 = t;
        t = r2.blend(r10.rearrange(UP8), HIGH8);
        r10 = r2.rearrange(DOWN8).blend(r10, HIGH8);
        r2 = t;
        t = r3.blend(r11.rearrange(UP8), HIGH8);
        r11 = r3.rearrange(DOWN8).blend(r11, HIGH8);
        r3 = t;
        t = r4.blend(r12.rearrange(UP8), HIGH8);
        r12 = r4.rearrange(DOWN8).blend(r12, HIGH8);
        r4 = t;
        t = r5.blend(r13.rearrange(UP8), HIGH8);
        r13 = r5.rearrange(DOWN8).blend(r13, HIGH8);
        r5 = t;
        t = r6.blend(r14.rearrange(UP8), HIGH8);
        r14 = r6.rearrange(DOWN8).blend(r14, HIGH8);
        r6 = t;
        t = r7.blend(r15.rearrange(UP8), HIGH8);
        r15 = r7.rearrange(DOWN8).blend(r15, HIGH8);
        r7 = t;
        t = r0.blend(r4.rearrange(UP4), HIGH4);
        r4 = r0.rearrange(DOWN4).blend(r4, HIGH4);
        r0 = t;
        t = r1.blend(r5.rearrange(UP4), HIGH4);
        r5 = r1.rearrange(DOWN4).blend(r5, HIGH4);
        r1 = t;
        t = r2.blend(r6.rearrange(UP4), HIGH4);
        r6 = r2.rearrange(DOWN4).blend(r6, HIGH4);
        r2 = t;
        t = r3.blend(r7.rearrange(UP4), HIGH4);
        r7 = r3.rearrange(DOWN4).blend(r7, HIGH4);
        r3 = t;
        t = r8.blend(r12.rearrange(UP4), HIGH4);
        r12 = r8.rearrange(DOWN4).blend(r12, HIGH4);
        r8 = t;
        t = r9.blend(r13.rearrange(UP4), HIGH4);
        r13 = r9.rearrange(DOWN4).blend(r13, HIGH4);
        r9 = t;
        t = r10.blend(r14.rearrange(UP4), HIGH4);
        r14 = r10.rearrange(DOWN4).blend(r14, HIGH4);
        r10 = t;
        t = r11.blend(r15.rearrange(UP4), HIGH4);
        r15 = r11.rearrange(DOWN4).blend(r15, HIGH4);
        r11 = t;
        t = r0.blend(r2.rearrange(UP2), HIGH2);
        r2 = r0.rearrange(DOWN2).blend(r2, HIGH2);
        r0 = t;
        t = r1.blend(r3.rearrange(UP2), HIGH2);
        r3 = r1.rearrange(DOWN2).blend(r3, HIGH2);
        r1 = t;
        t = r4.blend(r6.rearrange(UP2), HIGH2);
        r6 = r4.rearrange(DOWN2).blend(r6, HIGH2);
        r4 = t;
        t = r5.blend(r7.rearrange(UP2), HIGH2);
        r7 = r5.rearrange(DOWN2).blend(r7, HIGH2);
        r5 = t;
        t = r8.blend(r10.rearrange(UP2), HIGH2);
        r10 = r8.rearrange(DOWN2).blend(r10, HIGH2);
        r8 = t;
        t = r9.blend(r11.rearrange(UP2), HIGH2);
        r11 = r9.rearrange(DOWN2).blend(r11, HIGH2);
        r9 = t;
        t = r12.blend(r14.rearrange(UP2), HIGH2);
        r14 = r12.rearrange(DOWN2).blend(r14, HIGH2);
        r12 = t;
        t = r13.blend(r15.rearrange(UP2), HIGH2);
        r15 = r13.rearrange(DOWN2).blend(r15, HIGH2);
        r13 = t;
        t = r0.blend(r1.rearrange(UP1), HIGH1);
        r1 = r0.rearrange(DOWN1).blend(r1, HIGH1);
        r0 = t;
        t = r2.blend(r3.rearrange(UP1), HIGH1);
        r3 = r2.rearrange(DOWN1).blend(r3, HIGH1);
        r2 = t;
        t = r4.blend(r5.rearrange(UP1), HIGH1);
        r5 = r4.rearrange(DOWN1).blend(r5, HIGH1);
        r4 = t;
        t = r6.blend(r7.rearrange(UP1), HIGH1);
        r7 = r6.rearrange(DOWN1).blend(r7, HIGH1);
        r6 = t;
        t = r8.blend(r9.rearrange(UP1), HIGH1);
        r9 = r8.rearrange(DOWN1).blend(r9, HIGH1);
        r8 = t;
        t = r10.blend(r11.rearrange(UP1), HIGH1);
        r11 = r10.rearrange(DOWN1).blend(r11, HIGH1);
        r10 = t;
        t = r12.blend(r13.rearrange(UP1), HIGH1);
        r13 = r12.rearrange(DOWN1).blend(r13, HIGH1);
        r12 = t;
        t = r14.blend(r15.rearrange(UP1), HIGH1);
        r15 = r14.rearrange(DOWN1).blend(r15, HIGH1);
        r14 = t;
        r0.intoArray(buf, dst + 0 * NR);
        r1.intoArray(buf, dst + 1 * NR);
        r2.intoArray(buf, dst + 2 * NR);
        r3.intoArray(buf, dst + 3 * NR);
        r4.intoArray(buf, dst + 4 * NR);
        r5.intoArray(buf, dst + 5 * NR);
        r6.intoArray(buf, dst + 6 * NR);
        r7.intoArray(buf, dst + 7 * NR);
        r8.intoArray(buf, dst + 8 * NR);
        r9.intoArray(buf, dst + 9 * NR);
        r10.intoArray(buf, dst + 10 * NR);
        r11.intoArray(buf, dst + 11 * NR);
        r12.intoArray(buf, dst + 12 * NR);
        r13.intoArray(buf, dst + 13 * NR);
        r14.intoArray(buf, dst + 14 * NR);
        r15.intoArray(buf, dst + 15 * NR);
    }

    /** {@code C = alpha * tile + beta * C} for a full {@code rows x cols} tile (row stride {@code cols} in the tile, {@code ldc} in C). */
    private static void storeTile(float[] tile, int rows, int cols, float[] c, int cOff, int ldc, float alpha,
                                  float beta) {
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

    /** {@code C = alpha * tile + beta * C} for the valid {@code mr x nr} corner of a tile (stride NR). */
    private static void mergeTile(float[] tile, int mr, int nr, float[] c, int cOff, int ldc, float alpha, float beta) {
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                float acc = tile[r * NR + j];
                int ci = cOff + r * ldc + j;
                c[ci] = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c[ci] * beta);
            }
        }
    }

    /**
     * The micro-kernel for A panels in {@code (p, r)} order ({@link #packA} with transA): the
     * {@code MR x NR} product of an A panel and a B panel of depth {@code kc} (row {@code p} of the
     * B panel at {@code bOff + p * bStride}), written row-major into {@code tile}. It calls nothing
     * that takes a vector, so C2 keeps the 24 accumulators in registers (a vector passed to a method
     * C2 does not inline is boxed).
     */
    static void kernelPR(int kc, float[] ap, int aOff, float[] bp, int bOff, int bStride, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c02 = z;
        FloatVector c10 = z, c11 = z, c12 = z;
        FloatVector c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z;
        FloatVector c40 = z, c41 = z, c42 = z;
        FloatVector c50 = z, c51 = z, c52 = z;
        FloatVector c60 = z, c61 = z, c62 = z;
        FloatVector c70 = z, c71 = z, c72 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * bStride;
            int ai = aOff + p * MR;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bi + 2 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(F, ap[ai + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(F, ap[ai + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c02.intoArray(tile, 0 * NR + 2 * L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c12.intoArray(tile, 1 * NR + 2 * L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c22.intoArray(tile, 2 * NR + 2 * L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c32.intoArray(tile, 3 * NR + 2 * L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c42.intoArray(tile, 4 * NR + 2 * L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c52.intoArray(tile, 5 * NR + 2 * L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c62.intoArray(tile, 6 * NR + 2 * L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c72.intoArray(tile, 7 * NR + 2 * L);
    }

    /**
     * {@link #kernelPR} for A panels in {@code (r, p)} order with row stride {@code KC}
     * ({@link #packA} without transA).
     */
    static void kernelRP(int kc, float[] ap, int aOff, float[] bp, int bOff, int bStride, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c02 = z;
        FloatVector c10 = z, c11 = z, c12 = z;
        FloatVector c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z;
        FloatVector c40 = z, c41 = z, c42 = z;
        FloatVector c50 = z, c51 = z, c52 = z;
        FloatVector c60 = z, c61 = z, c62 = z;
        FloatVector c70 = z, c71 = z, c72 = z;
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * bStride;
            int ai = aOff + p;
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bi + 2 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(F, ap[ai + 1 * KC]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(F, ap[ai + 2 * KC]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(F, ap[ai + 3 * KC]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(F, ap[ai + 4 * KC]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(F, ap[ai + 5 * KC]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(F, ap[ai + 6 * KC]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(F, ap[ai + 7 * KC]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c02.intoArray(tile, 0 * NR + 2 * L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c12.intoArray(tile, 1 * NR + 2 * L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c22.intoArray(tile, 2 * NR + 2 * L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c32.intoArray(tile, 3 * NR + 2 * L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c42.intoArray(tile, 4 * NR + 2 * L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c52.intoArray(tile, 5 * NR + 2 * L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c62.intoArray(tile, 6 * NR + 2 * L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c72.intoArray(tile, 7 * NR + 2 * L);
    }
}
