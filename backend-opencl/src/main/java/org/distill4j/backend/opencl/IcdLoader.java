package org.distill4j.backend.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Whether the OpenCL ICD loader {@code libOpenCL.so} can be opened, decided without opening it.
 * When JOCL cannot open it, its native code prints "Could not load libOpenCL.so" to the console
 * of every program that merely probes for backends; looking first lets the provider report a
 * missing loader as a reason instead. It looks where {@code dlopen} does for a bare name: the
 * directories of {@code LD_LIBRARY_PATH}, the names in the {@code ld.so} cache, then the default
 * library directories. Only Linux is predicted; elsewhere JOCL is asked directly.
 */
final class IcdLoader {
    static final String LIBRARY = "libOpenCL.so";
    private static final List<Path> DEFAULT_DIRS = List.of(Path.of("/lib"), Path.of("/usr/lib"), Path.of("/lib64"),
            Path.of("/usr/lib64"), Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib/aarch64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"));

    private IcdLoader() {
    }

    /** True unless this is Linux and {@code libOpenCL.so} is in none of the places {@code dlopen} searches. */
    static boolean findable() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        return !linux || findable(System.getenv("LD_LIBRARY_PATH"), Path.of("/etc/ld.so.cache"), DEFAULT_DIRS);
    }

    /** The search itself: {@code ldLibraryPath} (may be null), the cache file (may be absent), the default directories. */
    static boolean findable(String ldLibraryPath, Path ldCache, List<Path> defaultDirs) {
        if (ldLibraryPath != null) {
            for (String dir : ldLibraryPath.split(":")) {
                if (!dir.isEmpty() && Files.exists(Path.of(dir, LIBRARY))) {
                    return true;
                }
            }
        }
        if (cacheNames(ldCache)) {
            return true;
        }
        for (Path dir : defaultDirs) {
            if (Files.exists(dir.resolve(LIBRARY))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the {@code ld.so} cache holds a library named exactly {@code libOpenCL.so} (its strings end in NUL). */
    private static boolean cacheNames(Path ldCache) {
        try {
            return new String(Files.readAllBytes(ldCache), StandardCharsets.ISO_8859_1).contains(LIBRARY + '\0');
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Whether a default library directory holds {@code libOpenCL.so.1} but not {@code libOpenCL.so} (the dev link). */
    static boolean onlyVersionedInstalled() {
        for (Path dir : DEFAULT_DIRS) {
            if (Files.exists(dir.resolve(LIBRARY + ".1")) && !Files.exists(dir.resolve(LIBRARY))) {
                return true;
            }
        }
        return false;
    }
}
