package org.distill4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import org.distill4j.backend.Availability;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;
import org.junit.jupiter.api.Test;

/**
 * What the provider reports in each situation. The cases on the fake driver ({@link FakeCuda}) run
 * {@link ProbeMain} in a child JVM set up by environment variables, so this JVM never loads the fake.
 */
class CudaBackendProviderTest {

    @Test
    void isNamedCudaWithPriority30AndNamesItsArtifact() {
        CudaBackendProvider provider = new CudaBackendProvider();
        assertEquals("cuda", provider.name());
        assertEquals(30, provider.priority());
        assertEquals("org.distill4j:distill4j-backend-cuda", provider.artifact());
    }

    @Test
    void isRegisteredAsAServiceSoAddingTheDependencyIsEnoughToFindIt() {
        boolean found = false;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, getClass().getClassLoader())) {
            found |= p instanceof CudaBackendProvider;
        }
        assertTrue(found, "CudaBackendProvider is not registered in META-INF/services");
    }

    @Test
    void inThisJvmWithoutADriverTheProbeAnswersUnavailableInsteadOfThrowing() {
        assumeTrue(!realDriverInstalled(), "this machine has a real libcuda.so.1");
        CudaBackendProvider provider = new CudaBackendProvider();
        for (int attempt = 0; attempt < 2; attempt++) {
            Availability a = provider.probe(BackendConfig.named("cuda"));
            assertFalse(a.available());
            assertTrue(a.reason().startsWith("libcuda.so.1 not found"), a.reason());
        }
    }

    @Test
    void withoutADriverTheProbeSaysLibcudaIsNotFoundAndDoesNotThrow() throws Exception {
        assumeTrue(!realDriverInstalled(), "this machine has a real libcuda.so.1");
        String out = probe(Map.of());
        assertTrue(out.contains("probe: available=false reason=libcuda.so.1 not found"), out);
    }

    @Test
    void loadingAndAskingTheProviderTouchesNoNativesOnlyTheProbeDoes() throws Exception {
        String out = probe(fakeDriver(true), "-Xlog:class+init=info:stdout");
        String beforeProbe = out.substring(0, out.indexOf("probe starts"));
        assertFalse(beforeProbe.contains("Initializing 'jcuda/"), "JCuda classes initialised before the probe:\n" + out);
        assertTrue(out.contains("natives before probe: false"), out);
        assertTrue(out.contains("natives after probe: true"), out);
    }

    @Test
    void onTheFakeDriverWithCublasItIsAvailableAndUsesCublas() throws Exception {
        String out = probe(fakeDriver(true), "create");
        assertTrue(out.contains("probe: available=true reason=[0] Fake CUDA device 0"), out);
        assertTrue(out.contains("(sm_90, 1 SMs, 1.0 GiB), driver CUDA 13.0; gemm: cuBLAS 12.6.4 (JCublas, libcublas.so.12)\n"), out);
        assertTrue(out.contains("created: CUDA [0] Fake CUDA device 0 (kernels run on the CPU) (sm_90, 1 SMs, 1.0 GiB),"
                + " driver CUDA 13.0; gemm: cuBLAS 12.6.4 (JCublas, libcublas.so.12)\n"), out);
        assertTrue(out.contains("created: CUDA [0] Fake CUDA device 0"), out);
    }

    @Test
    void withoutCublasItIsAvailableAndSaysGemmUsesTheTiledKernel() throws Exception {
        String out = probe(fakeDriver(false), "create");
        assertTrue(out.contains("probe: available=true"), out);
        assertTrue(out.contains("driver CUDA 13.0; gemm: built-in tiled kernel (JCublas: libcublas.so.12 not found; FFM: "), out);
    }

    @Test
    void askingForCublasWithoutItIsAnErrorSayingWhy() throws Exception {
        String out = probe(fakeDriver(false), "create", "cublas");
        assertTrue(out.contains("create failed: org.distill4j.backend.BackendUnavailableException: option"
                + " cuda.gemm=cublas, but no cuBLAS binding starts: JCublas: libcublas.so.12 not found; FFM: "), out);
    }

    @Test
    void withoutADeviceTheProbeSaysNoCudaDevice() throws Exception {
        String out = probe(with(fakeDriver(true), "FAKE_CUDA_DEVICES", "0"));
        assertTrue(out.contains("probe: available=false reason=no CUDA device (cuInit failed: CUDA_ERROR_NO_DEVICE (100))"), out);
    }

    @Test
    void aDriverThatCannotJitThePtxIsReportedWithTheFix() throws Exception {
        String out = probe(with(fakeDriver(true), "FAKE_CUDA_MAX_PTX", "7.8"));
        assertTrue(out.contains("probe: available=false"), out);
        assertTrue(out.contains("cuModuleLoadData(elementwise.ptx) failed: CUDA_ERROR_UNSUPPORTED_PTX_VERSION (222)"), out);
        assertTrue(out.contains("the kernels' PTX declares ISA 8.0, which needs a CUDA 12.0 or newer driver (r525+);"
                + " this driver is CUDA 13.0: update the NVIDIA driver"), out);
    }

    @Test
    void aGpuOlderThanThePtxTargetIsReported() throws Exception {
        String out = probe(with(fakeDriver(true), "FAKE_CUDA_CC", "7.0"));
        assertTrue(out.contains("probe: available=false"), out);
        assertTrue(out.contains("(sm_70, 1 SMs, 1.0 GiB), driver CUDA 13.0 is older than compute capability 7.5,"
                + " the oldest the kernels' PTX (compute_75) supports"), out);
    }

    @Test
    void theToolkitsStubLibraryIsNotTakenForADriver() throws Exception {
        String out = probe(with(fakeDriver(true), "FAKE_CUDA_INIT_RESULT", "34"));
        assertTrue(out.contains("probe: available=false reason=libcuda.so.1 is the CUDA toolkit's stub library"), out);
    }

    @Test
    void errorsNameTheCallAndTheStatus() {
        CudaException e = new CudaException("cuMemAlloc(4096 bytes)", "CUDA_ERROR_OUT_OF_MEMORY", 2, null);
        assertEquals("cuMemAlloc(4096 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2)", e.getMessage());
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.status());
        assertNotNull(Availability.unavailable(e.getMessage()));
    }

    // ------------------------------------------------------------------ helpers

    /** The environment that puts the fake driver (and the fake cuBLAS when asked) on the library path; skips without g++. */
    private static Map<String, String> fakeDriver(boolean withCublas) {
        String failure = FakeCuda.failure();
        assumeTrue(failure == null, () -> "the fake CUDA driver is unavailable: " + failure);
        return Map.of("LD_LIBRARY_PATH", FakeCuda.libraryPath(withCublas));
    }

    static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> copy = new java.util.HashMap<>(env);
        copy.put(key, value);
        return copy;
    }

    /** Runs {@link ProbeMain} in a child JVM with {@code env} (JVM options first, then its arguments) and returns its output. */
    static String probe(Map<String, String> env, String... args) throws IOException, InterruptedException {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")), "needs Linux /proc to see mapped libraries");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        List<String> programArgs = new ArrayList<>();
        for (String a : args) {
            (a.startsWith("-") ? command : programArgs).add(a);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ProbeMain.class.getName()));
        command.addAll(programArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("LD_LIBRARY_PATH");
        pb.environment().putAll(env);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    private static boolean realDriverInstalled() {
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/nvidia/lib64",
                "/usr/local/cuda/compat")) {
            if (Files.exists(Path.of(dir, "libcuda.so.1"))) {
                return true;
            }
        }
        return false;
    }
}
