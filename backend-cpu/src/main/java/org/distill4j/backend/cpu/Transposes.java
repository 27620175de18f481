package org.distill4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * In-register transposes of one {@code L x L} block, {@code L} being the float lanes (16, 8 or 4),
 * for packing a transposed B. Each is {@code log2(L)} butterfly stages: at stage {@code d}, rows
 * {@code i} and {@code i + d} swap the lanes whose index has bit {@code d} set in the one and clear
 * in the other (a lane rotation by {@code d} and a blend). {@link #reference} is the plain loop.
 * Each size is written out so that C2 keeps its rows in registers.
 */
final class Transposes {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    private static final VectorShuffle<Float> UP8 = L > 8 ? shuffle(8, true) : null;
    private static final VectorShuffle<Float> UP4 = L > 4 ? shuffle(4, true) : null;
    private static final VectorShuffle<Float> UP2 = L > 2 ? shuffle(2, true) : null;
    private static final VectorShuffle<Float> UP1 = L > 1 ? shuffle(1, true) : null;
    private static final VectorShuffle<Float> DOWN8 = L > 8 ? shuffle(8, false) : null;
    private static final VectorShuffle<Float> DOWN4 = L > 4 ? shuffle(4, false) : null;
    private static final VectorShuffle<Float> DOWN2 = L > 2 ? shuffle(2, false) : null;
    private static final VectorShuffle<Float> DOWN1 = L > 1 ? shuffle(1, false) : null;
    private static final VectorMask<Float> HIGH8 = L > 8 ? high(8) : null;
    private static final VectorMask<Float> HIGH4 = L > 4 ? high(4) : null;
    private static final VectorMask<Float> HIGH2 = L > 2 ? high(2) : null;
    private static final VectorMask<Float> HIGH1 = L > 1 ? high(1) : null;

    private Transposes() {
    }

    /** Whether {@link #transpose} has an in-register version for this lane count. */
    static boolean available() {
        return L == 16 || L == 8 || L == 4;
    }

    /** The {@code L x L} transpose at this lane count; see {@link #reference}. */
    static void transpose(float[] b, int src, int ld, float[] buf, int dst, int stride) {
        switch (L) {
            case 16 -> transpose16(b, src, ld, buf, dst, stride);
            case 8 -> transpose8(b, src, ld, buf, dst, stride);
            case 4 -> transpose4(b, src, ld, buf, dst, stride);
            default -> reference(L, b, src, ld, buf, dst, stride);
        }
    }

    /** {@code buf[dst + c * stride + r] = b[src + r * ld + c]} for an {@code n x n} block. */
    static void reference(int n, float[] b, int src, int ld, float[] buf, int dst, int stride) {
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                buf[dst + c * stride + r] = b[src + r * ld + c];
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

    /** Writes the transpose of the 16 x 16 block {@code b[src + r * ld + c]} to {@code buf[dst + c * stride + r]}. */
    static void transpose16(float[] b, int src, int ld, float[] buf, int dst, int stride) {
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
        r0.intoArray(buf, dst + 0 * stride);
        r1.intoArray(buf, dst + 1 * stride);
        r2.intoArray(buf, dst + 2 * stride);
        r3.intoArray(buf, dst + 3 * stride);
        r4.intoArray(buf, dst + 4 * stride);
        r5.intoArray(buf, dst + 5 * stride);
        r6.intoArray(buf, dst + 6 * stride);
        r7.intoArray(buf, dst + 7 * stride);
        r8.intoArray(buf, dst + 8 * stride);
        r9.intoArray(buf, dst + 9 * stride);
        r10.intoArray(buf, dst + 10 * stride);
        r11.intoArray(buf, dst + 11 * stride);
        r12.intoArray(buf, dst + 12 * stride);
        r13.intoArray(buf, dst + 13 * stride);
        r14.intoArray(buf, dst + 14 * stride);
        r15.intoArray(buf, dst + 15 * stride);
    }

    /** Writes the transpose of the 8 x 8 block {@code b[src + r * ld + c]} to {@code buf[dst + c * stride + r]}. */
    static void transpose8(float[] b, int src, int ld, float[] buf, int dst, int stride) {
        FloatVector r0 = FloatVector.fromArray(F, b, src);
        FloatVector r1 = FloatVector.fromArray(F, b, src + 1 * ld);
        FloatVector r2 = FloatVector.fromArray(F, b, src + 2 * ld);
        FloatVector r3 = FloatVector.fromArray(F, b, src + 3 * ld);
        FloatVector r4 = FloatVector.fromArray(F, b, src + 4 * ld);
        FloatVector r5 = FloatVector.fromArray(F, b, src + 5 * ld);
        FloatVector r6 = FloatVector.fromArray(F, b, src + 6 * ld);
        FloatVector r7 = FloatVector.fromArray(F, b, src + 7 * ld);
        FloatVector t;
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
        r0.intoArray(buf, dst + 0 * stride);
        r1.intoArray(buf, dst + 1 * stride);
        r2.intoArray(buf, dst + 2 * stride);
        r3.intoArray(buf, dst + 3 * stride);
        r4.intoArray(buf, dst + 4 * stride);
        r5.intoArray(buf, dst + 5 * stride);
        r6.intoArray(buf, dst + 6 * stride);
        r7.intoArray(buf, dst + 7 * stride);
    }

    /** Writes the transpose of the 4 x 4 block {@code b[src + r * ld + c]} to {@code buf[dst + c * stride + r]}. */
    static void transpose4(float[] b, int src, int ld, float[] buf, int dst, int stride) {
        FloatVector r0 = FloatVector.fromArray(F, b, src);
        FloatVector r1 = FloatVector.fromArray(F, b, src + 1 * ld);
        FloatVector r2 = FloatVector.fromArray(F, b, src + 2 * ld);
        FloatVector r3 = FloatVector.fromArray(F, b, src + 3 * ld);
        FloatVector t;
        t = r0.blend(r2.rearrange(UP2), HIGH2);
        r2 = r0.rearrange(DOWN2).blend(r2, HIGH2);
        r0 = t;
        t = r1.blend(r3.rearrange(UP2), HIGH2);
        r3 = r1.rearrange(DOWN2).blend(r3, HIGH2);
        r1 = t;
        t = r0.blend(r1.rearrange(UP1), HIGH1);
        r1 = r0.rearrange(DOWN1).blend(r1, HIGH1);
        r0 = t;
        t = r2.blend(r3.rearrange(UP1), HIGH1);
        r3 = r2.rearrange(DOWN1).blend(r3, HIGH1);
        r2 = t;
        r0.intoArray(buf, dst + 0 * stride);
        r1.intoArray(buf, dst + 1 * stride);
        r2.intoArray(buf, dst + 2 * stride);
        r3.intoArray(buf, dst + 3 * stride);
    }
}
