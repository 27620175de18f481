package org.distill4j.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ICD loader is looked for where dlopen looks for a bare library name, and nowhere else. */
class IcdLoaderTest {
    @TempDir
    Path dir;

    private Path cacheNaming(String... names) throws IOException {
        StringBuilder bytes = new StringBuilder("ld.so-1.7.0\0glibc-ld.so.cache1.1\0");
        for (String name : names) {
            bytes.append(name).append('\0').append("/usr/lib/x86_64-linux-gnu/").append(name).append('\0');
        }
        return Files.write(dir.resolve("ld.so.cache"), bytes.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private Path libraryIn(String sub) throws IOException {
        Path d = Files.createDirectories(dir.resolve(sub));
        Files.createFile(d.resolve("libOpenCL.so"));
        return d;
    }

    @Test
    void foundInADirectoryOfLdLibraryPath() throws IOException {
        Path lib = libraryIn("opt/lib");
        assertTrue(IcdLoader.findable("/nowhere::" + lib, dir.resolve("no-cache"), List.of()));
    }

    @Test
    void foundByNameInTheLdSoCache() throws IOException {
        assertTrue(IcdLoader.findable(null, cacheNaming("libm.so.6", "libOpenCL.so"), List.of()));
    }

    @Test
    void aCacheWithOnlyTheVersionedLibraryDoesNotCount() throws IOException {
        assertFalse(IcdLoader.findable(null, cacheNaming("libOpenCL.so.1", "libOpenCL.so.1.0.0"), List.of()));
    }

    @Test
    void foundInADefaultDirectory() throws IOException {
        Path lib = libraryIn("usr/lib");
        assertTrue(IcdLoader.findable("", dir.resolve("no-cache"), List.of(dir.resolve("lib"), lib)));
    }

    @Test
    void missingEverywhere() throws IOException {
        Files.createDirectories(dir.resolve("usr/lib"));
        Files.createFile(dir.resolve("usr/lib/libOpenCL.so.1"));
        assertFalse(IcdLoader.findable(dir.resolve("usr/lib").toString(), cacheNaming("libc.so.6"),
                List.of(dir.resolve("usr/lib"))));
    }

    @Test
    void thisMachinesAnswerAgreesWithWhetherTheLoaderIsInstalledWhereCiPutsIt() {
        boolean installed = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libOpenCL.so"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libOpenCL.so"));
        if (installed) {
            assertTrue(IcdLoader.findable(), "libOpenCL.so is installed but was not found");
        }
    }
}
