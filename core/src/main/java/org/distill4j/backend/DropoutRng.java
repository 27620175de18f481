package org.distill4j.backend;

/**
 * The counter-based random numbers behind {@link Backend#dropout}: element {@code i} of a mask
 * drawn with seed {@code s} is kept when {@code uniform(s, i) >= p}. Every backend implements
 * this same function (SplitMix64 of {@code s + i * golden gamma}, top 24 bits), so masks match
 * across CPU, CUDA and OpenCL and need no random state on the device.
 */
public final class DropoutRng {
    /** The SplitMix64 increment, {@code 0x9E3779B97F4A7C15}. */
    public static final long GAMMA = 0x9E3779B97F4A7C15L;

    private DropoutRng() {
    }

    /** SplitMix64's output function. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A float in {@code [0, 1)} with 24 random bits, a pure function of seed and index. */
    public static float uniform(long seed, long index) {
        return (mix(seed + (index + 1) * GAMMA) >>> 40) * 0x1.0p-24f;
    }
}
