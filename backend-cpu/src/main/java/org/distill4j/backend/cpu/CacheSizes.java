package org.distill4j.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The per-core data caches the gemm blocks for: read from Linux's sysfs
 * ({@code /sys/devices/system/cpu/cpu0/cache}); elsewhere, or where a size cannot be read,
 * 32 KiB of L1 and 512 KiB of L2, which most cores of the last decade have at least.
 */
record CacheSizes(int l1Bytes, int l2Bytes, boolean measured) {
    static final CacheSizes DEFAULT = new CacheSizes(32 << 10, 512 << 10, false);

    /** Read once, when a backend first asks. */
    private static final class Detected {
        static final CacheSizes SIZES = read(Path.of("/sys/devices/system/cpu/cpu0/cache"));
    }

    /** This machine's, or {@link #DEFAULT}. */
    static CacheSizes detect() {
        return Detected.SIZES;
    }

    /** The sizes under a sysfs cache directory ({@code index0 .. indexN}, each with {@code level}, {@code type}, {@code size}). */
    static CacheSizes read(Path dir) {
        int l1 = 0;
        int l2 = 0;
        for (int i = 0; i < 8; i++) {
            Path index = dir.resolve("index" + i);
            try {
                int level = Integer.parseInt(Files.readString(index.resolve("level")).trim());
                String type = Files.readString(index.resolve("type")).trim();
                int size = parseSize(Files.readString(index.resolve("size")));
                if (level == 1 && type.equals("Data")) {
                    l1 = size;
                } else if (level == 2 && !type.equals("Instruction")) {
                    l2 = size;
                }
            } catch (IOException | RuntimeException e) {
                // absent index or unreadable field: keep what was found
            }
        }
        if (l1 <= 0 || l2 <= 0) {
            return DEFAULT;
        }
        return new CacheSizes(l1, l2, true);
    }

    /** sysfs sizes read like {@code "32K"} or {@code "1024K"} or {@code "2M"}. */
    static int parseSize(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        int unit = 1;
        if (s.endsWith("K")) {
            unit = 1 << 10;
        } else if (s.endsWith("M")) {
            unit = 1 << 20;
        }
        if (unit > 1) {
            s = s.substring(0, s.length() - 1);
        }
        return Math.multiplyExact(Integer.parseInt(s), unit);
    }

    /** E.g. {@code "L1d 32 KiB, L2 1024 KiB (sysfs)"}. */
    String describe() {
        return "L1d " + (l1Bytes >> 10) + " KiB, L2 " + (l2Bytes >> 10) + " KiB" + (measured ? " (sysfs)" : " (assumed)");
    }
}
