package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.Backends;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.Test;

/** The provider's answers and the {@code cpu.threads} / {@code cpu.simd} options. */
class CpuBackendOptionsTest {
    @Test
    void providerIsAlwaysAvailableAndSaysWhichKernelsRun() {
        CpuBackendProvider provider = new CpuBackendProvider();
        assertEquals("cpu", provider.name());
        assertEquals(0, provider.priority());
        assertEquals("org.distill4j:distill4j-backend-cpu", provider.artifact());
        Availability a = provider.probe(BackendConfig.named("cpu"));
        assertTrue(a.available());
        int threads = Runtime.getRuntime().availableProcessors();
        String expected = VectorSupport.usable()
                ? "Vector API: " + VectorMachine.detect(VectorSupport.lanes()).isa() + ", " + VectorSupport.lanes()
                        + " float lanes (" + VectorSupport.lanes() * 32 + "-bit), "
                : "scalar kernels: ";
        assertTrue(a.reason().startsWith(expected), a.reason());
        if (VectorSupport.usable()) {
            assertTrue(a.reason().contains("; gemm tile "), a.reason());
        }
        assertTrue(a.reason().endsWith(threads + (threads == 1 ? " thread" : " threads")), a.reason());
        Availability three = provider.probe(BackendConfig.named("cpu").withOption("cpu", "threads", "3"));
        assertTrue(three.reason().endsWith(", 3 threads"), three.reason());
        Availability malformed = provider.probe(BackendConfig.named("cpu").withOption("cpu", "threads", "two"));
        assertTrue(malformed.available() && malformed.reason().endsWith(threads + (threads == 1 ? " thread" : " threads")),
                malformed.reason());
    }

    @Test
    void serviceLoaderFindsTheCpuBackend() {
        assertTrue(Backends.discover().stream().anyMatch(c -> c.name().equals("cpu") && c.availability().available()));
        try (Backend b = Backends.create(BackendConfig.named("cpu"))) {
            assertTrue(b instanceof CpuBackend);
            assertEquals(Runtime.getRuntime().availableProcessors(), ((CpuBackend) b).threads());
        }
    }

    @Test
    void optionsChooseThreadsAndScalarKernels() {
        BackendConfig config = BackendConfig.named("cpu").withOption("cpu", "threads", "3").withOption("cpu", "simd", "false");
        try (CpuBackend b = new CpuBackend(config)) {
            assertEquals(3, b.threads());
            assertFalse(b.simd());
            assertTrue(b.describe().startsWith("CPU, 3 threads, scalar kernels"), b.describe());
        }
        try (CpuBackend b = new CpuBackend(BackendConfig.named("cpu").withOption("cpu", "simd", "true"))) {
            assertEquals(VectorSupport.usable(), b.simd());
        }
    }

    @Test
    void theTileOptionForcesTheGemmsMicroTileAndIsDescribed() {
        assumeTrue(VectorSupport.usable(), () -> "skipped: " + VectorSupport.problem());
        for (MicroTile tile : MicroTile.values()) {
            try (CpuBackend b = new CpuBackend(BackendConfig.named("cpu").withOption("cpu", "tile", tile.label()))) {
                assertEquals(tile, b.gemmTile());
                assertTrue(b.describe().contains("gemm tile " + tile.label() + " ") && b.describe().contains("(cpu.tile)"),
                        b.describe());
            }
        }
        try (CpuBackend b = new CpuBackend(BackendConfig.named("cpu").withOption("cpu", "tile", "auto"))) {
            int registers = VectorMachine.detect(VectorSupport.lanes()).registers();
            assertEquals(MicroTile.forRegisters(registers), b.gemmTile());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CpuBackend(BackendConfig.named("cpu").withOption("cpu", "tile", "12x1")));
        assertTrue(e.getMessage().contains("distill4j.cpu.tile") && e.getMessage().contains("'12x1'"), e.getMessage());
    }

    @Test
    void aConfigWithoutAnOptionGetsTheDefaultWhateverTheSystemPropertiesSay() {
        String oldSimd = System.setProperty("distill4j.cpu.simd", "false");
        String oldThreads = System.setProperty("distill4j.cpu.threads", "1");
        String oldTile = System.setProperty("distill4j.cpu.tile", "12x1");
        try (CpuBackend b = new CpuBackend(BackendConfig.defaults())) {
            assertEquals(VectorSupport.usable(), b.simd());
            assertEquals(Runtime.getRuntime().availableProcessors(), b.threads());
        } finally {
            restore("distill4j.cpu.simd", oldSimd);
            restore("distill4j.cpu.threads", oldThreads);
            restore("distill4j.cpu.tile", oldTile);
        }
    }

    @Test
    void systemPropertiesReachTheBackendThroughTheConfigFromTheEnvironment() {
        String oldSimd = System.setProperty("distill4j.cpu.simd", "false");
        String oldThreads = System.setProperty("distill4j.cpu.threads", "1");
        try (CpuBackend b = new CpuBackend(BackendConfig.fromEnvironment());
             Backend chosen = Backends.create()) {
            assertFalse(b.simd());
            assertEquals(1, b.threads());
            assertTrue(b.describe().startsWith("CPU, 1 thread, "), b.describe());
            assertTrue(chosen.describe().startsWith("CPU, 1 thread, scalar kernels"), chosen.describe());
        } finally {
            restore("distill4j.cpu.simd", oldSimd);
            restore("distill4j.cpu.threads", oldThreads);
        }
    }

    @Test
    void twoBackendsInOneJvmEachKeepTheirOwnOptions() {
        BackendConfig two = BackendConfig.named("cpu").withOption("cpu", "threads", "2").withOption("cpu", "tile", "8x3");
        BackendConfig three = BackendConfig.named("cpu").withOption("cpu", "threads", "3").withOption("cpu", "tile", "5x2");
        try (CpuBackend a = new CpuBackend(two); CpuBackend b = new CpuBackend(three)) {
            assertEquals(2, a.threads());
            assertEquals(3, b.threads());
            if (VectorSupport.usable()) {
                assertEquals(MicroTile.parse("8x3"), a.gemmTile());
                assertEquals(MicroTile.parse("5x2"), b.gemmTile());
            }
        }
    }

    @Test
    void malformedOptionsAreErrorsNamingTheOption() {
        IllegalArgumentException simd = assertThrows(IllegalArgumentException.class,
                () -> new CpuBackend(BackendConfig.named("cpu").withOption("cpu", "simd", "maybe")));
        assertTrue(simd.getMessage().contains("distill4j.cpu.simd"), simd.getMessage());
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
                () -> new CpuBackend(BackendConfig.named("cpu").withOption("cpu", "threads", "0")));
        assertTrue(threads.getMessage().contains("distill4j.cpu.threads"), threads.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new CpuBackend(BackendConfig.named("cpu").withOption("cpu", "threads", "two")));
    }

    @Test
    void closeStopsThePoolAndFreesNothingTheCallerStillOwns() throws InterruptedException {
        CpuBackend b = new CpuBackend(2, true);
        long before = countPoolThreads();
        float[] x = Reference.random(3, 300_000);
        try (Tensor t = b.tensor(x, 300, 1000); Tensor out = b.tensor(300, 1000)) {
            b.relu(t, out);
            assertTrue(countPoolThreads() > before, "a large op starts the worker");
            b.close();
            // After close the caller runs every part itself.
            b.scale(out, 2f);
            float[] expected = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                expected[i] = 2f * Math.max(x[i], 0f);
            }
            assertArrayEquals(expected, out.toArray());
        }
        for (int i = 0; i < 100 && countPoolThreads() > before; i++) {
            Thread.sleep(10);
        }
        assertEquals(before, countPoolThreads());
    }

    @Test
    void largeElementwiseOpsGiveTheSameResultOnOneAndTwoThreads() {
        int size = 400_000;
        float[] x = Reference.random(4, size);
        float[] g = Reference.random(5, size);
        float[][] results = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            try (CpuBackend b = new CpuBackend(threads, true);
                 Tensor p = b.tensor(x, size);
                 Tensor grad = b.tensor(g, size);
                 Tensor m = b.tensor(size);
                 Tensor v = b.tensor(size);
                 Tensor mask = b.tensor(size)) {
                b.fill(m, 0f);
                b.fill(v, 0f);
                b.adamUpdate(p, grad, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-4f, 1);
                b.dropout(p, mask, p, 0.25f, 99L);
                b.axpy(0.5f, grad, p);
                results[threads - 1] = p.toArray();
            }
        }
        assertArrayEquals(results[0], results[1]);
    }

    @Test
    void softTargetLossSplitAcrossThreadsGivesTheSameBitsAsOneThread() {
        int rows = 128;
        int classes = 1000;
        float[] student = Reference.random(6, rows * classes);
        float[] teacher = Reference.random(7, rows * classes);
        for (boolean simd : new boolean[] {true, false}) {
            float[][] grads = new float[2][];
            float[] losses = new float[2];
            for (int threads = 1; threads <= 2; threads++) {
                try (CpuBackend b = new CpuBackend(threads, simd);
                     Tensor s = b.tensor(student, rows, classes);
                     Tensor t = b.tensor(teacher, rows, classes);
                     Tensor grad = b.tensor(rows, classes);
                     Tensor loss = b.tensor(1)) {
                    b.softTargetLoss(s, t, 4f, 0.9f, grad, loss);
                    grads[threads - 1] = grad.toArray();
                    losses[threads - 1] = loss.toArray()[0];
                }
            }
            assertArrayEquals(grads[0], grads[1], "gradient, simd=" + simd);
            assertEquals(Float.floatToIntBits(losses[0]), Float.floatToIntBits(losses[1]), "loss, simd=" + simd);
        }
    }

    private static long countPoolThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("distill4j-cpu-") && t.isAlive()).count();
    }

    private static void restore(String key, String old) {
        if (old == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, old);
        }
    }
}
