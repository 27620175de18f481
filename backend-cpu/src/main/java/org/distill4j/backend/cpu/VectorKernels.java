package org.distill4j.backend.cpu;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import org.distill4j.backend.DropoutRng;

/**
 * The SIMD {@link Kernels}: the Vector API's preferred species, FMA where it pays and scalar
 * tails (masked tails for row kernels, whose rows are often shorter than a vector). Its static
 * members ({@link #F}, {@link #L}, {@link #sumLanes}, {@link #expOfNonPositive}) serve {@link Gemm}
 * and the tests too.
 *
 * <p>Elementwise kernels apply the same float operations in the same order as
 * {@link ScalarKernels}, so they agree bit for bit. Softmax-family kernels work in float with
 * per-row constants in float64; loss sums are float64 across rows and short chunks.
 */
final class VectorKernels implements Kernels {
    /** The one instance; it holds no state. Touching it loads the Vector API. */
    static final VectorKernels INSTANCE = new VectorKernels();
    private static final ScalarKernels SCALAR = ScalarKernels.INSTANCE;
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    /** Floats with as many lanes as {@link #LS}, for the dropout mask. */
    static final VectorSpecies<Float> FL = VectorSpecies.of(float.class, VectorShape.forBitSize(LS.length() * 32));
    /** Elements summed in float per lane before a partial sum moves to float64. */
    private static final int CHUNK = 16 * 64;

    private VectorKernels() {
    }

    // ------------------------------------------------------------------ deterministic building blocks

    /**
     * The sum of the {@link #L} floats at {@code lanes[off..)} in a fixed order: halving (lane i
     * plus lane i + L/2, then i + L/4, ...), as a rotate-and-add of the vector leaves it in lane 0.
     * Unlike {@code reduceLanes(ADD)}, whose order may change when the JIT recompiles the caller, it
     * gives the same bits on every call. Kernels store their vector accumulators here with
     * {@code intoArray} instead of passing them to a method: a vector passed to a method the JIT
     * does not inline (big callers hit its inlining limits) is boxed on the heap. 16 and 8 lanes
     * (AVX-512, AVX2) are written out; other widths go to {@link #sumHalving}.
     */
    static float sumLanes(float[] lanes, int off) {
        if (L == 16) {
            float s0 = (lanes[off] + lanes[off + 8]) + (lanes[off + 4] + lanes[off + 12]);
            float s2 = (lanes[off + 2] + lanes[off + 10]) + (lanes[off + 6] + lanes[off + 14]);
            float s1 = (lanes[off + 1] + lanes[off + 9]) + (lanes[off + 5] + lanes[off + 13]);
            float s3 = (lanes[off + 3] + lanes[off + 11]) + (lanes[off + 7] + lanes[off + 15]);
            return (s0 + s2) + (s1 + s3);
        }
        if (L == 8) {
            return ((lanes[off] + lanes[off + 4]) + (lanes[off + 2] + lanes[off + 6]))
                    + ((lanes[off + 1] + lanes[off + 5]) + (lanes[off + 3] + lanes[off + 7]));
        }
        return sumHalving(lanes, off, L);
    }

    /** {@link #sumLanes} for any power-of-two {@code width}, as a loop; overwrites the lanes. */
    static float sumHalving(float[] lanes, int off, int width) {
        for (int half = width / 2; half > 0; half >>= 1) {
            for (int i = off; i < off + half; i++) {
                lanes[i] += lanes[i + half];
            }
        }
        return lanes[off];
    }

    private static final float EXP_MIN = -87.33654f;
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUNDING = 12582912f; // 1.5 * 2^23: adding and subtracting it rounds to an integer

    /**
     * {@code e^x} per lane for {@code x <= 0}, the softmax family's arguments {@code (z - max) / T},
     * from additions, multiplications and FMAs only, so it gives the same bits interpreted and
     * compiled (the Vector API's {@code EXP} switches from a scalar fallback to a different vector
     * routine when the JIT compiles the caller). {@code x = n ln2 + r} with {@code |r| <= ln2 / 2},
     * {@code e^r} by the Cephes {@code expf} polynomial (about 1 ulp), times {@code 2^n} built from
     * the low bits of the rounding sum {@code 1.5 * 2^23 + n} (a normal float, since
     * {@code n >= -126} above {@code ln(Float.MIN_NORMAL)}). Below that it returns 0 whatever the
     * lanes computed, and NaN for NaN. (Until 2026-11-30 a general {@code exp} with clamps and
     * {@code 2^n} in two steps did this; {@code VectorExpTest} keeps it and checks the bits agree.)
     */
    static FloatVector expOfNonPositive(FloatVector x) {
        FloatVector rounded = x.fma(LOG2E, ROUNDING);
        FloatVector n = rounded.sub(ROUNDING);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        FloatVector er = p.mul(r).fma(r, r).add(1f);
        FloatVector twoToN = ((IntVector) rounded.reinterpretAsInts()).add(127).lanewise(LSHL, 23).reinterpretAsFloats();
        return er.mul(twoToN).blend(0f, x.compare(LT, EXP_MIN));
    }

    /** Float lanes of the preferred species (loads the Vector API). */
    static int lanes() {
        return L;
    }

    // ------------------------------------------------------------------ linear algebra

    @Override
    public void addRowBias(float[] x, float[] bias, int cols, int rowFrom, int rowTo) {
        int upper = F.loopBound(cols);
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            int j = 0;
            for (; j < upper; j += L) {
                FloatVector.fromArray(F, x, off + j).add(FloatVector.fromArray(F, bias, j)).intoArray(x, off + j);
            }
            for (; j < cols; j++) {
                x[off + j] += bias[j];
            }
        }
    }

    /** Sums each column top to bottom, in the scalar kernel's order, four vectors of columns at a time. */
    @Override
    public void sumRows(float[] x, float[] out, int rows, int cols, int colFrom, int colTo) {
        int j = colFrom;
        for (; j + 4 * L <= colTo; j += 4 * L) {
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int r = 0; r < rows; r++) {
                int off = r * cols + j;
                s0 = s0.add(FloatVector.fromArray(F, x, off));
                s1 = s1.add(FloatVector.fromArray(F, x, off + L));
                s2 = s2.add(FloatVector.fromArray(F, x, off + 2 * L));
                s3 = s3.add(FloatVector.fromArray(F, x, off + 3 * L));
            }
            s0.intoArray(out, j);
            s1.intoArray(out, j + L);
            s2.intoArray(out, j + 2 * L);
            s3.intoArray(out, j + 3 * L);
        }
        for (; j < colTo; j += L) {
            VectorMask<Float> live = F.indexInRange(j, colTo);
            FloatVector s = FloatVector.zero(F);
            for (int r = 0; r < rows; r++) {
                s = s.add(FloatVector.fromArray(F, x, r * cols + j, live));
            }
            s.intoArray(out, j, live);
        }
    }

    // ------------------------------------------------------------------ activations

    @Override
    public void relu(float[] x, float[] out, int from, int to) {
        int i = from;
        for (int upper = from + F.loopBound(to - from); i < upper; i += L) {
            FloatVector.fromArray(F, x, i).max(0f).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = Math.max(x[i], 0f);
        }
    }

    @Override
    public void reluBackward(float[] gradOut, float[] x, float[] gradIn, int from, int to) {
        FloatVector zero = FloatVector.zero(F);
        int i = from;
        for (int upper = from + F.loopBound(to - from); i < upper; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(F, x, i).compare(GT, 0f);
            zero.blend(FloatVector.fromArray(F, gradOut, i), positive).intoArray(gradIn, i);
        }
        for (; i < to; i++) {
            gradIn[i] = x[i] > 0f ? gradOut[i] : 0f;
        }
    }

    /** Inverted dropout with {@link DropoutRng}'s SplitMix64 evaluated in long lanes. */
    @Override
    public void dropout(float[] x, float[] mask, float[] out, float p, long seed, int from, int to) {
        float keepScale = 1f / (1f - p);
        int n = LS.length();
        LongVector iota = LongVector.zero(LS).addIndex(1);
        FloatVector zero = FloatVector.zero(FL);
        int i = from;
        for (int upper = from + FL.loopBound(to - from); i < upper; i += n) {
            LongVector z = iota.add(i + 1L).mul(DropoutRng.GAMMA).add(seed);
            z = z.lanewise(XOR, z.lanewise(LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
            z = z.lanewise(XOR, z.lanewise(LSHR, 27)).mul(0x94D049BB133111EBL);
            z = z.lanewise(XOR, z.lanewise(LSHR, 31));
            FloatVector u = ((FloatVector) z.lanewise(LSHR, 40).convertShape(VectorOperators.L2F, FL, 0)).mul(0x1.0p-24f);
            FloatVector m = zero.blend(keepScale, u.compare(GE, p));
            m.intoArray(mask, i);
            FloatVector.fromArray(FL, x, i).mul(m).intoArray(out, i);
        }
        SCALAR.dropout(x, mask, out, p, seed, i, to);
    }

    // ------------------------------------------------------------------ softmax family

    /**
     * Row maximum (NaN if the row holds a NaN), inactive tail lanes masked to -inf. Four running
     * maxima hide the latency of the Vector API's {@code max} (a short sequence, for its NaN and
     * signed-zero rules); the maximum does not depend on the order, so neither do the bits.
     */
    static float rowMax(float[] z, int off, int cols) {
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector m1 = m0;
        FloatVector m2 = m0;
        FloatVector m3 = m0;
        int j = 0;
        for (int upper = cols - 4 * L; j <= upper; j += 4 * L) {
            m0 = m0.max(FloatVector.fromArray(F, z, off + j));
            m1 = m1.max(FloatVector.fromArray(F, z, off + j + L));
            m2 = m2.max(FloatVector.fromArray(F, z, off + j + 2 * L));
            m3 = m3.max(FloatVector.fromArray(F, z, off + j + 3 * L));
        }
        for (int upper = F.loopBound(cols); j < upper; j += L) {
            m0 = m0.max(FloatVector.fromArray(F, z, off + j));
        }
        if (j < cols) {
            VectorMask<Float> live = F.indexInRange(j, cols);
            m1 = m1.max(FloatVector.broadcast(F, Float.NEGATIVE_INFINITY).blend(FloatVector.fromArray(F, z, off + j, live), live));
        }
        return m0.max(m1).max(m2.max(m3)).reduceLanes(MAX);
    }

    /** Writes {@code e_j = exp((z_j - m) / T)} to {@code dst} and returns their sum ({@code lanes}: scratch of {@link #L}). */
    private static double expInto(float[] z, int off, int cols, float max, float invT, float[] dst, int dstOff,
                                  float[] lanes) {
        FloatVector sum = FloatVector.zero(F);
        int j = 0;
        for (int upper = F.loopBound(cols); j < upper; j += L) {
            FloatVector e = expOfNonPositive(FloatVector.fromArray(F, z, off + j).sub(max).mul(invT));
            e.intoArray(dst, dstOff + j);
            sum = sum.add(e);
        }
        if (j < cols) {
            VectorMask<Float> live = F.indexInRange(j, cols);
            FloatVector e = expOfNonPositive(FloatVector.fromArray(F, z, off + j, live).sub(max).mul(invT));
            e.intoArray(dst, dstOff + j, live);
            sum = sum.add(e, live);
        }
        sum.intoArray(lanes, 0);
        return sumLanes(lanes, 0);
    }

    /** Returns {@code sum_j exp((z_j - m) / T)} ({@code lanes}: scratch of {@link #L}). */
    private static double expSum(float[] z, int off, int cols, float max, float invT, float[] lanes) {
        FloatVector sum = FloatVector.zero(F);
        int j = 0;
        for (int upper = F.loopBound(cols); j < upper; j += L) {
            sum = sum.add(expOfNonPositive(FloatVector.fromArray(F, z, off + j).sub(max).mul(invT)));
        }
        if (j < cols) {
            VectorMask<Float> live = F.indexInRange(j, cols);
            sum = sum.add(expOfNonPositive(FloatVector.fromArray(F, z, off + j, live).sub(max).mul(invT)), live);
        }
        sum.intoArray(lanes, 0);
        return sumLanes(lanes, 0);
    }

    /** {@code x[off..off+cols) *= s}. */
    private static void scaleRow(float[] x, int off, int cols, float s) {
        int j = 0;
        for (int upper = F.loopBound(cols); j < upper; j += L) {
            FloatVector.fromArray(F, x, off + j).mul(s).intoArray(x, off + j);
        }
        if (j < cols) {
            VectorMask<Float> live = F.indexInRange(j, cols);
            FloatVector.fromArray(F, x, off + j, live).mul(s).intoArray(x, off + j, live);
        }
    }

    @Override
    public void softmax(float[] z, float temperature, float[] out, int cols, int rowFrom, int rowTo) {
        float[] lanes = new float[L];
        float invT = 1f / temperature;
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            float m = rowMax(z, off, cols);
            if (m == Float.NEGATIVE_INFINITY) {
                SCALAR.softmax(z, temperature, out, cols, r, r + 1);
                continue;
            }
            double s = expInto(z, off, cols, m, invT, out, off, lanes);
            scaleRow(out, off, cols, (float) (1.0 / s));
        }
    }

    @Override
    public void logSoftmax(float[] z, float temperature, float[] out, int cols, int rowFrom, int rowTo) {
        float[] lanes = new float[L];
        float invT = 1f / temperature;
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            float m = rowMax(z, off, cols);
            if (m == Float.NEGATIVE_INFINITY) {
                SCALAR.logSoftmax(z, temperature, out, cols, r, r + 1);
                continue;
            }
            float logSum = (float) Math.log(expSum(z, off, cols, m, invT, lanes));
            int j = 0;
            for (int upper = F.loopBound(cols); j < upper; j += L) {
                FloatVector.fromArray(F, z, off + j).sub(m).mul(invT).sub(logSum).intoArray(out, off + j);
            }
            if (j < cols) {
                VectorMask<Float> live = F.indexInRange(j, cols);
                FloatVector.fromArray(F, z, off + j, live).sub(m).mul(invT).sub(logSum).intoArray(out, off + j, live);
            }
        }
    }

    // ------------------------------------------------------------------ losses

    @Override
    public double crossEntropy(float[] z, float[] labels, float gradScale, float[] grad, int cols,
                               int rowFrom, int rowTo) {
        float[] lanes = new float[L];
        double loss = 0;
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            float label = labels[r];
            if (label < 0f) {
                fill(grad, 0f, off, off + cols);
                continue;
            }
            int y = (int) label;
            float m = rowMax(z, off, cols);
            if (m == Float.NEGATIVE_INFINITY) {
                loss += SCALAR.crossEntropy(z, labels, gradScale, grad, cols, r, r + 1);
                continue;
            }
            double s = expInto(z, off, cols, m, 1f, grad, off, lanes);
            loss += Math.log(s) + m - z[off + y];
            scaleRow(grad, off, cols, (float) (gradScale / s));
            grad[off + y] -= gradScale;
        }
        return loss;
    }

    /** {@link #L} floats for lane sums, then a row of the teacher's exponentials. */
    @Override
    public int softTargetScratch(int cols) {
        return L + cols;
    }

    /**
     * Soft-target rows, fused: the row maxima, then the exponentials and their sums (the student's
     * kept in {@code grad}, the teacher's in {@code scratch} after its first {@link #L} floats, which
     * take the lane sums), then one pass for the KL terms and the gradient; so each logit's
     * exponential is computed once.
     * The log-ratio is formed as {@code ((t - mt) - (s - ms)) / T + (log sumS - log sumT)}, which
     * cannot overflow for logits near {@code -Float.MAX_VALUE}. Rows that are all {@code -inf} go
     * to the scalar kernel (uniform distributions).
     */
    @Override
    public double softTargetLoss(float[] student, float[] teacher, float temperature, float gradScale,
                                 float[] grad, int cols, int rowFrom, int rowTo, float[] scratch) {
        float invT = 1f / temperature;
        double kl = 0;
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            float ms = rowMax(student, off, cols);
            float mt = rowMax(teacher, off, cols);
            if (ms == Float.NEGATIVE_INFINITY || mt == Float.NEGATIVE_INFINITY) {
                kl += SCALAR.softTargetLoss(student, teacher, temperature, gradScale, grad, cols, r, r + 1, scratch);
                continue;
            }
            double sumS = expInto(student, off, cols, ms, invT, grad, off, scratch);
            double sumT = expInto(teacher, off, cols, mt, invT, scratch, L, scratch);
            kl += klAndGradient(student, teacher, scratch, grad, off, cols, ms, mt, invT, (float) (1.0 / sumS),
                    (float) (1.0 / sumT), (float) (Math.log(sumS) - Math.log(sumT)), gradScale);
        }
        return kl;
    }

    /**
     * One soft-target row after the sums: {@code grad} holds the student's exponentials on entry
     * and {@code gradScale * (q - p)} on exit, {@code scratch} the teacher's exponentials from
     * {@code scratch[L]} on (its first {@link #L} floats take the lane sum);
     * returns {@code sum_j p_j log(p_j / q_j)} over {@code p_j != 0}.
     */
    private static double klAndGradient(float[] student, float[] teacher, float[] scratch, float[] grad,
                                        int off, int cols,
                                        float ms, float mt, float invT, float invSumS, float invSumT,
                                        float logRatio, float gradScale) {
        FloatVector kl = FloatVector.zero(F);
        int j = 0;
        for (int upper = F.loopBound(cols); j < upper; j += L) {
            FloatVector t = FloatVector.fromArray(F, teacher, off + j);
            FloatVector s = FloatVector.fromArray(F, student, off + j);
            FloatVector p = FloatVector.fromArray(F, scratch, L + j).mul(invSumT);
            FloatVector q = FloatVector.fromArray(F, grad, off + j).mul(invSumS);
            FloatVector logPOverQ = t.sub(mt).sub(s.sub(ms)).fma(invT, logRatio);
            kl = kl.blend(p.fma(logPOverQ, kl), p.compare(NE, 0f));
            q.sub(p).mul(gradScale).intoArray(grad, off + j);
        }
        if (j < cols) {
            VectorMask<Float> live = F.indexInRange(j, cols);
            FloatVector t = FloatVector.fromArray(F, teacher, off + j, live);
            FloatVector s = FloatVector.fromArray(F, student, off + j, live);
            FloatVector p = FloatVector.fromArray(F, scratch, L + j, live).mul(invSumT);
            FloatVector q = FloatVector.fromArray(F, grad, off + j, live).mul(invSumS);
            FloatVector logPOverQ = t.sub(mt).sub(s.sub(ms)).fma(invT, logRatio);
            kl = kl.blend(p.fma(logPOverQ, kl), p.compare(NE, 0f).and(live));
            q.sub(p).mul(gradScale).intoArray(grad, off + j, live);
        }
        kl.intoArray(scratch, 0);
        return sumLanes(scratch, 0);
    }

    @Override
    public double mseLoss(float[] a, float[] b, float gradScale, float[] grad, int from, int to) {
        float[] lanes = new float[L];
        double sum = 0;
        int i = from;
        while (i + L <= to) {
            int chunkEnd = Math.min(to, i + CHUNK);
            FloatVector acc = FloatVector.zero(F);
            for (int upper = i + F.loopBound(chunkEnd - i); i < upper; i += L) {
                FloatVector d = FloatVector.fromArray(F, a, i).sub(FloatVector.fromArray(F, b, i));
                acc = d.fma(d, acc);
                d.mul(gradScale).intoArray(grad, i);
            }
            acc.intoArray(lanes, 0);
            sum += sumLanes(lanes, 0);
        }
        for (; i < to; i++) {
            float d = a[i] - b[i];
            sum += (double) d * d;
            grad[i] = gradScale * d;
        }
        return sum;
    }

    // ------------------------------------------------------------------ optimiser updates

    @Override
    public void sgdUpdate(float[] param, float[] grad, float[] velocity, float lr, float momentum,
                          float weightDecay, boolean nesterov, int from, int to) {
        int i = from;
        for (int upper = from + F.loopBound(to - from); i < upper; i += L) {
            FloatVector w = FloatVector.fromArray(F, param, i);
            FloatVector g = FloatVector.fromArray(F, grad, i).add(w.mul(weightDecay));
            FloatVector v = FloatVector.fromArray(F, velocity, i).mul(momentum).add(g);
            v.intoArray(velocity, i);
            FloatVector step = nesterov ? g.add(v.mul(momentum)) : v;
            w.sub(step.mul(lr)).intoArray(param, i);
        }
        SCALAR.sgdUpdate(param, grad, velocity, lr, momentum, weightDecay, nesterov, i, to);
    }

    @Override
    public void adamUpdate(float[] param, float[] grad, float[] m, float[] v, float lr, float beta1, float beta2,
                           float eps, float weightDecay, float bc1, float bc2, int from, int to) {
        float oneMinusB1 = 1f - beta1;
        float oneMinusB2 = 1f - beta2;
        int i = from;
        for (int upper = from + F.loopBound(to - from); i < upper; i += L) {
            FloatVector w = FloatVector.fromArray(F, param, i);
            FloatVector g = FloatVector.fromArray(F, grad, i).add(w.mul(weightDecay));
            FloatVector mi = FloatVector.fromArray(F, m, i).mul(beta1).add(g.mul(oneMinusB1));
            FloatVector vi = FloatVector.fromArray(F, v, i).mul(beta2).add(g.mul(g).mul(oneMinusB2));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.div(bc2).sqrt().add(eps);
            w.sub(mi.div(bc1).mul(lr).div(denom)).intoArray(param, i);
        }
        SCALAR.adamUpdate(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, bc1, bc2, i, to);
    }

    /**
     * Column norms from float partial sums over at most 64 rows, combined in float64;
     * {@code sq} and {@code partial} are scratch of at least {@code cols} elements.
     */
    @Override
    public void maxNormColumns(float[] w, int rows, int cols, float maxNorm, double[] sq, float[] partial) {
        java.util.Arrays.fill(sq, 0, cols, 0.0);
        int upper = F.loopBound(cols);
        for (int r0 = 0; r0 < rows; r0 += 64) {
            int r1 = Math.min(rows, r0 + 64);
            java.util.Arrays.fill(partial, 0, cols, 0f);
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                int j = 0;
                for (; j < upper; j += L) {
                    FloatVector x = FloatVector.fromArray(F, w, off + j);
                    x.fma(x, FloatVector.fromArray(F, partial, j)).intoArray(partial, j);
                }
                for (; j < cols; j++) {
                    float x = w[off + j];
                    partial[j] += x * x;
                }
            }
            for (int j = 0; j < cols; j++) {
                sq[j] += partial[j];
            }
        }
        float[] factor = partial;
        boolean any = false;
        for (int j = 0; j < cols; j++) {
            double norm = Math.sqrt(sq[j]);
            factor[j] = norm > maxNorm ? (float) (maxNorm / norm) : 1f;
            any |= norm > maxNorm;
        }
        if (!any) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            int j = 0;
            for (; j < upper; j += L) {
                FloatVector.fromArray(F, w, off + j).mul(FloatVector.fromArray(F, factor, j)).intoArray(w, off + j);
            }
            for (; j < cols; j++) {
                w[off + j] *= factor[j];
            }
        }
    }

    // ------------------------------------------------------------------ reductions and elementwise

    /** Finds the row maximum with vectors, then its first position (or the first NaN); short rows go scalar. */
    @Override
    public void argmaxRows(float[] x, int cols, int[] out, int rowFrom, int rowTo) {
        if (cols < 2 * L) {
            SCALAR.argmaxRows(x, cols, out, rowFrom, rowTo);
            return;
        }
        for (int r = rowFrom; r < rowTo; r++) {
            int off = r * cols;
            float m = rowMax(x, off, cols);
            int best = 0;
            for (int j = 0; j < cols; j++) {
                float v = x[off + j];
                if (v == m || (v != v && m != m)) {
                    best = j;
                    break;
                }
            }
            out[r] = best;
        }
    }

    @Override
    public void fill(float[] x, float value, int from, int to) {
        java.util.Arrays.fill(x, from, to, value);
    }

    @Override
    public void copy(float[] src, float[] dst, int from, int to) {
        System.arraycopy(src, from, dst, from, to - from);
    }

    @Override
    public void axpy(float alpha, float[] x, float[] y, int from, int to) {
        int i = from;
        for (int upper = from + F.loopBound(to - from); i < upper; i += L) {
            FloatVector.fromArray(F, y, i).add(FloatVector.fromArray(F, x, i).mul(alpha)).intoArray(y, i);
        }
        SCALAR.axpy(alpha, x, y, i, to);
    }

    @Override
    public void scale(float[] x, float s, int from, int to) {
        int i = from;
        for (int upper = from + F.loopBound(to - from); i < upper; i += L) {
            FloatVector.fromArray(F, x, i).mul(s).intoArray(x, i);
        }
        SCALAR.scale(x, s, i, to);
    }

    @Override
    public void mul(float[] a, float[] b, float[] out, int from, int to) {
        int i = from;
        for (int upper = from + F.loopBound(to - from); i < upper; i += L) {
            FloatVector.fromArray(F, a, i).mul(FloatVector.fromArray(F, b, i)).intoArray(out, i);
        }
        SCALAR.mul(a, b, out, i, to);
    }

    @Override
    public double sumSquares(float[] x, int from, int to) {
        float[] lanes = new float[L];
        double sum = 0;
        int i = from;
        while (i + L <= to) {
            int chunkEnd = Math.min(to, i + CHUNK);
            FloatVector acc = FloatVector.zero(F);
            for (int upper = i + F.loopBound(chunkEnd - i); i < upper; i += L) {
                FloatVector v = FloatVector.fromArray(F, x, i);
                acc = v.fma(v, acc);
            }
            acc.intoArray(lanes, 0);
            sum += sumLanes(lanes, 0);
        }
        return sum + SCALAR.sumSquares(x, i, to);
    }
}
