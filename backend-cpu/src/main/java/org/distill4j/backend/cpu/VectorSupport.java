package org.distill4j.backend.cpu;

/**
 * Whether this JVM can run {@link VectorKernels}: the incubating module {@code jdk.incubator.vector}
 * must be resolved ({@code --add-modules jdk.incubator.vector}) and offer at least 4 float lanes.
 * Touches the Vector API only through {@link VectorKernels#lanes()}, inside a guard, so a JVM
 * without the module still loads this class.
 */
final class VectorSupport {
    private static final int LANES;
    private static final String PROBLEM;

    static {
        int lanes = 0;
        String problem = null;
        try {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                problem = "jdk.incubator.vector not readable, pass --add-modules jdk.incubator.vector";
            } else {
                lanes = VectorKernels.lanes();
                if (lanes < 4) {
                    problem = "the Vector API offers only " + lanes + " float lanes here";
                }
            }
        } catch (LinkageError | RuntimeException e) {
            problem = "the Vector API failed to load: " + e;
        }
        LANES = problem == null ? lanes : 0;
        PROBLEM = problem;
    }

    private VectorSupport() {
    }

    static boolean usable() {
        return PROBLEM == null;
    }

    /** Float lanes of the preferred species, or 0 when the Vector API is not usable. */
    static int lanes() {
        return LANES;
    }

    /** Why the Vector API cannot be used, or {@code null} when it can. */
    static String problem() {
        return PROBLEM;
    }

    /**
     * What the SIMD kernels run as here, e.g. {@code "Vector API: AVX2, 8 float lanes (256-bit), 16
     * vector registers; gemm tile 5x2 (5 x 16), B blocks 256 x 768; L1d 32 KiB, L2 1024 KiB (sysfs)"};
     * {@code forcedTile} (option {@code cpu.tile}) replaces the registers' choice when not null.
     */
    static String describe(MicroTile forcedTile) {
        return "Vector API: " + VectorMachine.detect(LANES).describe() + "; gemm "
                + Blocking.forThisMachine(forcedTile, LANES).describe() + (forcedTile != null ? " (cpu.tile)" : "")
                + "; " + CacheSizes.detect().describe();
    }
}
