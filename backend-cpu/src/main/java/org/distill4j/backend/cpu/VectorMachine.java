package org.distill4j.backend.cpu;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * What the JIT compiles the Vector API to on this JVM: the instruction set, the float lanes of the
 * preferred species and the number of vector registers. It is read from the JVM itself (the
 * HotSpot flags {@code UseAVX} and {@code MaxVectorSize}, {@code os.arch}) rather than from the
 * CPU, because flags such as {@code -XX:UseAVX=2} change the code C2 emits on the same hardware.
 */
record VectorMachine(String arch, String isa, int lanes, int registers) {

    /** This JVM's, with {@code lanes} as the preferred species reports it (0 where the Vector API is unusable). */
    static VectorMachine detect(int lanes) {
        String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> x86(arch, hotSpotFlag("UseAVX"), hotSpotFlag("MaxVectorSize"), lanes);
            // AArch64 has 32 SIMD registers whether the vectors are NEON's 128 bits or wider SVE ones.
            case "aarch64" -> new VectorMachine(arch, lanes <= 4 ? "NEON" : "SVE", lanes, 32);
            default -> new VectorMachine(arch, "unknown ISA", lanes, 16);
        };
    }

    /**
     * An x86 JVM: {@code UseAVX=3} lets C2 use AVX-512's 32 registers (at any vector width, through
     * AVX-512VL); lower levels have 16. Without the flag (a JVM that does not expose it) the lane
     * count decides.
     */
    static VectorMachine x86(String arch, OptionalInt useAvx, OptionalInt maxVectorSize, int lanes) {
        int level = useAvx.orElse(lanes >= 16 ? 3 : lanes >= 8 ? 2 : 0);
        String isa = switch (level) {
            case 0 -> "SSE";
            case 1 -> "AVX";
            case 2 -> "AVX2";
            default -> "AVX-512";
        };
        if (maxVectorSize.isPresent() && maxVectorSize.getAsInt() * 8 < widestBits(level)) {
            isa += " (MaxVectorSize=" + maxVectorSize.getAsInt() + ")";
        }
        return new VectorMachine(arch, isa, lanes, level >= 3 ? 32 : 16);
    }

    private static int widestBits(int avxLevel) {
        return avxLevel >= 3 ? 512 : avxLevel >= 1 ? 256 : 128;
    }

    /** An integer HotSpot flag, or empty where the JVM is not HotSpot or lacks {@code jdk.management}. */
    static OptionalInt hotSpotFlag(String name) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(bean.getVMOption(name).getValue()));
        } catch (LinkageError | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** E.g. {@code "AVX2, 8 float lanes (256-bit), 16 vector registers"}. */
    String describe() {
        return isa + ", " + lanes + " float lanes (" + lanes * 32 + "-bit), " + registers + " vector registers";
    }
}
