package org.distill4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.distill4j.backend.device.BuiltInGemm;
import org.distill4j.backend.device.Natives;
import org.distill4j.backend.device.KernelSources;
import org.junit.jupiter.api.Test;

import jcuda.nvptxcompiler.JNvPTXCompiler;
import jcuda.nvptxcompiler.nvPTXCompileResult;
import jcuda.nvptxcompiler.nvPTXCompilerHandle;

/**
 * The PTX shipped in the resources is what {@code compile-ptx.sh} makes from the shared kernel
 * sources ({@code ../backend-device/src/main/kernels}) and the CUDA dialect header of
 * {@code src/main/cuda}: they still have the SHA-256 recorded next to the PTX, the PTX defines
 * exactly the sources' kernels, and it assembles with a CUDA 12.0 PTX compiler.
 */
class PtxInSyncTest {
    private static final Path DIALECT = Path.of("src/main/cuda");
    private static final String FIX = "run backend-cuda/compile-ptx.sh (needs nvcc) and commit the regenerated PTX"
            + " and kernels.sha256 with the sources";

    @Test
    void theKernelSourcesStillHaveTheHashesRecordedWhenThePtxWasMade() throws Exception {
        assumeTrue(Files.isDirectory(DIALECT) && Files.isDirectory(FakeCuda.KERNELS), "not run from backend-cuda/");
        Map<String, String> recorded = new LinkedHashMap<>();
        for (String line : resource("kernels.sha256").strip().split("\n")) {
            String[] parts = line.split("\\s+", 2);
            recorded.put(parts[1].strip(), parts[0]);
        }
        List<String> problems = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        for (Path dir : List.of(DIALECT, FakeCuda.KERNELS)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.sorted().forEach(sources::add);
            }
        }
        for (Path source : sources) {
            if (!recorded.containsKey(source.toString())) {
                problems.add(source + " is not in kernels.sha256");
            }
        }
        for (Map.Entry<String, String> e : recorded.entrySet()) {
            Path file = Path.of(e.getKey());
            if (!Files.exists(file)) {
                problems.add(file + " is recorded but gone");
            } else if (!sha256(file).equals(e.getValue())) {
                problems.add(file + " changed since the PTX was made");
            }
        }
        if (!problems.isEmpty()) {
            fail("the PTX resources are out of date: " + String.join("; ", problems) + ". Fix: " + FIX);
        }
    }

    @Test
    void everyModuleDeclaresPtxIsa80ForCompute75() {
        for (String module : Kernels.MODULES) {
            String ptx = Kernels.ptx(module);
            assertTrue(ptx.contains("\n.version 8.0\n"), module + ".ptx must declare .version 8.0");
            assertTrue(ptx.contains("\n.target sm_75\n"), module + ".ptx must target sm_75");
            assertTrue(ptx.contains("\n.address_size 64\n"), module + ".ptx must use 64-bit addresses");
        }
        assertEquals("8.0", Kernels.ptxIsa());
    }

    @Test
    void thePtxDefinesExactlyTheKernelsOfTheSources() throws IOException {
        assumeTrue(Files.isDirectory(FakeCuda.KERNELS), "not run from backend-cuda/");
        for (String module : Kernels.MODULES) {
            List<String> inSource = KernelSources.kernels(Files.readString(FakeCuda.KERNELS.resolve(module + ".kernel")));
            assertEquals(new TreeSet<>(inSource), new TreeSet<>(Kernels.entries(Kernels.ptx(module))),
                    module + ".ptx and " + module + ".kernel define different kernels: " + FIX);
        }
    }

    @Test
    void everyKernelTheBackendLaunchesIsInThePtx() throws IOException {
        Path backend = Path.of("../backend-device/src/main/java/org/distill4j/backend/device/DeviceBackend.java");
        assumeTrue(Files.exists(backend), "not run from backend-cuda/ in the source tree");
        TreeSet<String> defined = new TreeSet<>();
        Kernels.allEntries().values().forEach(defined::addAll);
        assertTrue(defined.contains(BuiltInGemm.TILED.kernel()), "no PTX defines the tiled gemm CudaDriver falls back to");
        Matcher m = Pattern.compile("new Launch\\(\"(\\w+)\"\\)").matcher(Files.readString(backend));
        int launches = 0;
        while (m.find()) {
            launches++;
            assertTrue(defined.contains(m.group(1)), "DeviceBackend launches " + m.group(1) + ", which no PTX defines");
        }
        assertTrue(launches >= 20, "found only " + launches + " launches");
    }

    @Test
    void thePtxAssemblesWithTheCuda12PtxCompilerForTuringAmpereAdaAndHopper() {
        int[] major = new int[1];
        int[] minor = new int[1];
        try {
            JNvPTXCompiler.nvPTXCompilerGetVersion(major, minor);
        } catch (LinkageError e) {
            assumeTrue(false, "JCuda's nvPTXCompiler natives do not load here: " + Natives.describe(e));
        }
        assertEquals(12, major[0], "JCuda 12.6 bundles a CUDA 12 PTX compiler");
        for (String module : Kernels.MODULES) {
            String ptx = Kernels.ptx(module);
            for (String sm : new String[] {"sm_75", "sm_80", "sm_86", "sm_89", "sm_90"}) {
                String error = assemble(ptx, sm);
                assertEquals(null, error, module + ".ptx for " + sm + " with nvPTXCompiler " + major[0] + "." + minor[0]);
            }
        }
    }

    /** Null when the PTX compiles for {@code sm}, else the status and error log. */
    private static String assemble(String ptx, String sm) {
        byte[] text = ptx.getBytes(StandardCharsets.US_ASCII);
        byte[] zeroTerminated = java.util.Arrays.copyOf(text, text.length + 1);
        nvPTXCompilerHandle handle = new nvPTXCompilerHandle();
        int created = JNvPTXCompiler.nvPTXCompilerCreate(handle, text.length, zeroTerminated);
        if (created != nvPTXCompileResult.NVPTXCOMPILE_SUCCESS) {
            return "nvPTXCompilerCreate: " + nvPTXCompileResult.stringFor(created);
        }
        try {
            int result = JNvPTXCompiler.nvPTXCompilerCompile(handle, 1, new String[] {"--gpu-name=" + sm});
            if (result == nvPTXCompileResult.NVPTXCOMPILE_SUCCESS) {
                return null;
            }
            long[] size = new long[1];
            JNvPTXCompiler.nvPTXCompilerGetErrorLogSize(handle, size);
            byte[] log = new byte[(int) size[0]];
            JNvPTXCompiler.nvPTXCompilerGetErrorLog(handle, log);
            return nvPTXCompileResult.stringFor(result) + ": " + new String(log, StandardCharsets.UTF_8).trim();
        } finally {
            JNvPTXCompiler.nvPTXCompilerDestroy(handle);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Kernels.class.getResourceAsStream(name)) {
            assertTrue(in != null, name + " is missing from the resources");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
