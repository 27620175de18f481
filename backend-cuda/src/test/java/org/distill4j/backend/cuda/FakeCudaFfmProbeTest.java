package org.distill4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the probe says of the FFM binding of {@code libcublas.so.13}, each case in a child JVM whose
 * class path is this execution's ({@code fake-cuda-ffm}: the packaged multi-release jar) and whose
 * {@code LD_LIBRARY_PATH} has the fake driver but no {@code libcublas.so.12}.
 */
@Tag(FakeCudaFfmConformanceTest.TAG)
class FakeCudaFfmProbeTest {
    private static Map<String, String> libraryPath(Path cublas13) {
        String failure = FakeCuda.failure();
        assumeTrue(failure == null, () -> "the fake CUDA driver is unavailable: " + failure);
        String driver = FakeCuda.driverDir().toAbsolutePath().toString();
        return Map.of("LD_LIBRARY_PATH", cublas13 == null ? driver : driver + ":" + cublas13.toAbsolutePath());
    }

    @Test
    void onTheLibraryPathLibcublas13IsFoundAndUsed() throws Exception {
        String out = CudaBackendProviderTest.probe(libraryPath(FakeCuda.cublas13Dir()), "create");
        assertTrue(out.contains("driver CUDA 13.0; gemm: cuBLAS 13.0.0 (FFM, libcublas.so.13; JCublas: libcublas.so.12 not found)\n"),
                out);
    }

    @Test
    void readAsAJdk21JarTheRelease21ClassSaysTheBindingNeedsJdk22() throws Exception {
        String out = CudaBackendProviderTest.probe(libraryPath(FakeCuda.cublas13Dir()), "-Djdk.util.jar.version=21");
        assertTrue(out.contains("gemm: built-in tiled kernel (JCublas: libcublas.so.12 not found; FFM: binding libcublas.so.13"
                + " needs JDK 22+ and the jar's META-INF/versions/22 (this is the release-21 class, on JDK "), out);
    }

    @Test
    void withoutLibcublas13BothReasonsAreGivenAndCublasIsRefused() throws Exception {
        String out = CudaBackendProviderTest.probe(libraryPath(null), "create", "cublas");
        assertTrue(out.contains("gemm: built-in tiled kernel (JCublas: libcublas.so.12 not found; FFM: libcublas.so.13 not"
                + " loadable (Cannot open library: libcublas.so.13))"), out);
        assertTrue(out.contains("create failed: org.distill4j.backend.BackendUnavailableException: option cuda.gemm=cublas,"
                + " but no cuBLAS binding starts: JCublas: libcublas.so.12 not found; FFM: libcublas.so.13 not loadable"), out);
    }

    @Test
    void aLibraryLackingACallIsReportedByTheSymbolsName() throws Exception {
        Path dir = Path.of("target", "fake-cuda", "empty13");
        Files.createDirectories(dir);
        Process gxx = new ProcessBuilder("g++", "-shared", "-fPIC", "-x", "c++", "/dev/null", "-o",
                dir.resolve("libcublas.so.13").toString()).inheritIO().start();
        assertEquals(0, gxx.waitFor());
        String out = CudaBackendProviderTest.probe(libraryPath(dir));
        assertTrue(out.contains("gemm: built-in tiled kernel (JCublas: libcublas.so.12 not found; FFM: libcublas.so.13 lacks"
                + " the symbol cublasCreate_v2)"), out);
    }

    @Test
    void aFailedCallIsReportedWithItsStatus() throws Exception {
        Map<String, String> env = CudaBackendProviderTest.with(libraryPath(FakeCuda.cublas13Dir()), "FAKE_CUBLAS_CREATE_STATUS", "3");
        String out = CudaBackendProviderTest.probe(env);
        assertTrue(out.contains("FFM: cublasCreate failed: CUBLAS_STATUS_ALLOC_FAILED (3))"), out);
    }
}
