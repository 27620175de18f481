package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** The Vector API kernels' own {@code exp} and lane sum: accurate, and the same bits on every call. */
class VectorExpTest {

    /** The kernels' {@code exp} of each value, a vector at a time whatever the lane count. */
    private static float[] exp(float... x) {
        int lanes = VectorKernels.L;
        float[] padded = java.util.Arrays.copyOf(x, (x.length + lanes - 1) / lanes * lanes);
        float[] out = new float[padded.length];
        for (int i = 0; i < padded.length; i += lanes) {
            VectorKernels.expOfNonPositive(FloatVector.fromArray(VectorKernels.F, padded, i)).intoArray(out, i);
        }
        return java.util.Arrays.copyOf(out, x.length);
    }

    /**
     * The general vector {@code exp} the kernels used until 2026-11-30 (clamped to the float range,
     * {@code 2^n} in two halves), frozen here: every result measured before then was computed with
     * it, so the kernels' {@code exp} must give its bits wherever they call it.
     */
    private static FloatVector previousExp(FloatVector x) {
        VectorSpecies<Float> f = VectorKernels.F;
        FloatVector clamped = x.max(-87.33654f).min(88.72283f);
        FloatVector n = clamped.fma(1.44269504f, 12582912f).sub(12582912f);
        FloatVector r = n.fma(FloatVector.broadcast(f, -0.693359375f), clamped);
        r = n.fma(FloatVector.broadcast(f, 2.12194440e-4f), r);
        FloatVector p = FloatVector.broadcast(f, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(f, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(f, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(f, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(f, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(f, 5.0000001201e-1f));
        FloatVector er = p.mul(r).fma(r, r).add(1f);
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector e = er.mul(powerOfTwo(half)).mul(powerOfTwo(ni.sub(half)));
        e = e.blend(0f, x.compare(VectorOperators.LT, -87.33654f));
        return e.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 88.72283f));
    }

    private static FloatVector powerOfTwo(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    @Test
    void isWithinTwoUlpsOfMathExpOverTheNonPositiveFloats() {
        double worstUlps = 0;
        float worstAt = 0;
        for (float x = -87f; x <= 0f; x += 0.00731f) {
            float got = exp(x)[0];
            double want = Math.exp(x);
            double ulps = Math.abs(got - want) / Math.ulp((float) want);
            if (ulps > worstUlps) {
                worstUlps = ulps;
                worstAt = x;
            }
        }
        assertTrue(worstUlps <= 2, "worst error " + worstUlps + " ulp at x = " + worstAt);
    }

    @Test
    void handlesTheEdgesLikeMathExp() {
        float[] e = exp(Float.NEGATIVE_INFINITY, -200f, -0f, 0f, Float.NaN, -87.4f);
        assertEquals(0f, e[0]);
        assertEquals(0f, e[1]);
        assertEquals(1f, e[2]);
        assertEquals(1f, e[3]);
        assertTrue(Float.isNaN(e[4]), "exp(NaN) = " + e[4]);
        assertEquals(0f, e[5], "below ln(Float.MIN_NORMAL)");
    }

    @Test
    void givesThePreviousExpsBitsForEveryNonPositiveFloatSampled() {
        int lanes = VectorKernels.L;
        float[] x = new float[lanes];
        float[] previous = new float[lanes];
        float[] kernels = new float[lanes];
        int filled = 0;
        long checked = 0;
        // every 61st bit pattern from -0.0 down to -infinity, then the edges
        for (long bits = 0x8000_0000L; bits <= 0xFF80_0000L + 61 * lanes; bits += 61) {
            x[filled++] = bits <= 0xFF80_0000L ? Float.intBitsToFloat((int) bits) : Float.NaN;
            if (filled < lanes) {
                continue;
            }
            FloatVector v = FloatVector.fromArray(VectorKernels.F, x, 0);
            previousExp(v).intoArray(previous, 0);
            VectorKernels.expOfNonPositive(v).intoArray(kernels, 0);
            for (int j = 0; j < lanes; j++) {
                if (Float.floatToIntBits(previous[j]) != Float.floatToIntBits(kernels[j])) {
                    throw new AssertionError("exp(" + x[j] + "): " + previous[j] + " but the kernels' exp gives " + kernels[j]);
                }
            }
            checked += lanes;
            filled = 0;
        }
        assertTrue(checked > 30_000_000, "checked " + checked);
        float[] edges = {-0f, 0f, Float.NEGATIVE_INFINITY, -87.33654f, -87.33655f, -87.3f, -1e-30f, Float.NaN};
        float[] padded = java.util.Arrays.copyOf(edges, (edges.length + lanes - 1) / lanes * lanes);
        for (int i = 0; i < padded.length; i += lanes) {
            FloatVector v = FloatVector.fromArray(VectorKernels.F, padded, i);
            previousExp(v).intoArray(previous, 0);
            VectorKernels.expOfNonPositive(v).intoArray(kernels, 0);
            for (int j = 0; j < lanes; j++) {
                assertEquals(Float.floatToIntBits(previous[j]), Float.floatToIntBits(kernels[j]),
                        "exp(" + padded[i + j] + ")");
            }
        }
    }

    @Test
    void theLaneSumAddsInTheOrderARotateAndAddOfTheVectorGives() {
        int lanes = VectorKernels.L;
        java.util.Random random = new java.util.Random(5);
        for (int round = 0; round < 10_000; round++) {
            float[] x = new float[lanes + 3];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4));
            }
            FloatVector v = FloatVector.fromArray(VectorKernels.F, x, 3);
            for (int shift = lanes / 2; shift > 0; shift /= 2) {
                v = v.add(v.rearrange(jdk.incubator.vector.VectorShuffle.iota(VectorKernels.F, shift, 1, true)));
            }
            float rotated = v.lane(0);
            assertEquals(Float.floatToIntBits(rotated), Float.floatToIntBits(VectorKernels.sumLanes(x, 3)), "round " + round);
        }
    }

    @Test
    void theWrittenOutLaneSumsAddInTheHalvingLoopsOrder() {
        java.util.Random random = new java.util.Random(6);
        for (int round = 0; round < 10_000; round++) {
            float[] x = new float[VectorKernels.L];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 4));
            }
            float written = VectorKernels.sumLanes(x.clone(), 0);
            assertEquals(Float.floatToIntBits(VectorKernels.sumHalving(x.clone(), 0, VectorKernels.L)),
                    Float.floatToIntBits(written), "round " + round);
        }
        // 4 lanes: ((x0 + x2) + (x1 + x3))
        assertEquals(Float.floatToIntBits((1e8f + -1e8f) + (1f + 2f)),
                Float.floatToIntBits(VectorKernels.sumHalving(new float[] {1e8f, 1f, -1e8f, 2f}, 0, 4)));
    }

    @Test
    void givesTheSameBitsBeforeAndAfterTheJitCompilesIt() {
        float[] x = Reference.random(11, VectorKernels.L);
        float[] first = new float[VectorKernels.L];
        VectorKernels.expOfNonPositive(FloatVector.fromArray(VectorKernels.F, x, 0).mul(-30f)).intoArray(first, 0);
        float firstSum = VectorKernels.sumLanes(first.clone(), 0);
        for (int i = 0; i < 200_000; i++) {
            float[] again = new float[VectorKernels.L];
            VectorKernels.expOfNonPositive(FloatVector.fromArray(VectorKernels.F, x, 0).mul(-30f)).intoArray(again, 0);
            float sum = VectorKernels.sumLanes(again.clone(), 0);
            if (i % 20_000 == 0 || i == 199_999) {
                for (int j = 0; j < first.length; j++) {
                    assertEquals(Float.floatToIntBits(first[j]), Float.floatToIntBits(again[j]), "lane " + j + ", call " + i);
                }
                assertEquals(Float.floatToIntBits(firstSum), Float.floatToIntBits(sum), "lane sum, call " + i);
            }
        }
    }
}
