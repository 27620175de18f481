package org.distill4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the CUDA backend promises beyond the conformance suite, checked on the fake driver: device
 * memory is pooled (no allocation in a training loop's steady state) and freed by close, the
 * primary context is shared between instances, and every thread can call ops.
 */
@Tag(FakeCuda.TAG)
class FakeCudaBackendTest {
    private static final CudaBackendProvider PROVIDER = new CudaBackendProvider();

    @BeforeAll
    static void loadFakeDriver() {
        String failure = FakeCuda.loadIntoThisJvm();
        assumeTrue(failure == null, () -> "the fake CUDA driver is unavailable: " + failure);
    }

    private static CudaBackend create(String gemm) {
        return (CudaBackend) PROVIDER.create(BackendConfig.named("cuda").withOption("cuda", "gemm", gemm));
    }

    /** A step of a small training loop: forward, loss, backward, update, all in a scope. */
    private static void trainingStep(Backend b, Tensor w, Tensor bias, Tensor velocity, Tensor x, Tensor labels) {
        try (Scope step = b.newScope()) {
            Tensor logits = step.tensor(x.rows(), w.cols());
            b.gemm(false, false, 1f, x, w, 0f, logits);
            b.addRowBias(logits, bias);
            Tensor grad = step.tensor(x.rows(), w.cols());
            Tensor loss = step.tensor(1);
            b.crossEntropy(logits, labels, 1f, grad, loss);
            Tensor gradW = step.tensor(w.rows(), w.cols());
            b.gemm(true, false, 1f, x, grad, 0f, gradW);
            b.sgdUpdate(w, gradW, velocity, 0.1f, 0.9f, 0f, false);
            loss.toArray();
        }
    }

    @Test
    void aTrainingLoopStopsAllocatingDeviceMemoryAfterItsFirstStep() {
        try (CudaBackend b = create("auto"); Scope s = b.newScope()) {
            Tensor w = s.tensor(new float[20 * 5], 20, 5);
            Tensor bias = s.tensor(new float[5], 5);
            Tensor velocity = s.tensor(new float[20 * 5], 20, 5);
            Tensor x = s.tensor(new float[8 * 20], 8, 20);
            Tensor labels = s.tensor(new float[] {0, 1, 2, 3, 4, 0, 1, -1}, 8);
            trainingStep(b, w, bias, velocity, x, labels);
            long afterFirstStep = b.deviceAllocations();
            for (int i = 0; i < 20; i++) {
                trainingStep(b, w, bias, velocity, x, labels);
            }
            assertEquals(afterFirstStep, b.deviceAllocations(), "cuMemAlloc calls after the first step");
            assertTrue(b.pooledBytes() > 0, "the step's temporaries wait in the pool");
        }
    }

    @Test
    void closeFreesEveryBlockAndLaterOpsFailClearly() {
        CudaBackend b = create("tiled");
        Tensor kept = b.tensor(new float[] {1, 2, 3}, 3);
        try (Scope s = b.newScope()) {
            b.fill(s.tensor(100), 1f);
        }
        assertEquals(2, b.allocatedBlocks(), "one block held by a tensor, one pooled");
        b.close();
        assertEquals(0, b.allocatedBlocks(), "blocks after close");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.fill(kept, 0f));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        kept.close();
    }

    @Test
    void instancesShareThePrimaryContextAndClosingOneLeavesTheOtherWorking() {
        try (CudaBackend first = create("auto")) {
            Tensor t = first.tensor(new float[] {1, -2, 3}, 3);
            try (CudaBackend second = create("tiled")) {
                Tensor u = second.tensor(new float[] {4, 5, 6}, 3);
                second.scale(u, 2f);
                assertArrayEquals(new float[] {8, 10, 12}, u.toArray());
                u.close();
            }
            first.relu(t, t);
            assertArrayEquals(new float[] {1, 0, 3}, t.toArray());
            t.close();
        }
    }

    @Test
    void opsRunFromAnyThreadBecauseEachMakesTheContextCurrent() throws Exception {
        try (CudaBackend b = create("auto")) {
            Tensor t = b.tensor(new float[] {1, 2, 3, 4}, 4);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int i = 0; i < 4; i++) {
                    Future<?> f = pool.submit(() -> b.scale(t, 2f));
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            assertArrayEquals(new float[] {16, 32, 48, 64}, t.toArray());
            t.close();
        }
    }

    @Test
    void describeSaysHowGemmIsComputed() {
        try (CudaBackend cublas = create("cublas"); CudaBackend tiled = create("tiled")) {
            assertTrue(cublas.describe().endsWith("; gemm: cuBLAS 12.6.4 (JCublas, libcublas.so.12)"), cublas.describe());
            assertTrue(tiled.describe().endsWith("; gemm: built-in tiled kernel (option cuda.gemm=tiled)"),
                    tiled.describe());
        }
    }

    @Test
    void anUnknownDeviceOrGemmOptionIsAnErrorThatSaysWhatExists() {
        Exception device = assertThrows(RuntimeException.class,
                () -> PROVIDER.create(BackendConfig.named("cuda").withOption("cuda", "device", "3")));
        assertEquals("no CUDA device 3: there is 1 device (indices 0..0)", device.getMessage());
        Exception gemm = assertThrows(IllegalArgumentException.class,
                () -> PROVIDER.create(BackendConfig.named("cuda").withOption("cuda", "gemm", "fast")));
        assertTrue(gemm.getMessage().contains("must be auto, cublas or tiled"), gemm.getMessage());
    }

    @Test
    void theProbeChecksTheDeviceTheConfigNamesAndNoOther() {
        Availability absent = PROVIDER.probe(BackendConfig.named("cuda").withOption("cuda", "device", "3"));
        assertFalse(absent.available());
        assertEquals("no CUDA device 3: there is 1 device (indices 0..0)", absent.reason());
        String old = System.setProperty(CudaBackendProvider.DEVICE_PROPERTY, "3");
        try {
            Availability silent = PROVIDER.probe(BackendConfig.named("cuda"));
            assertTrue(silent.available(), silent.reason());
            try (CudaBackend b = (CudaBackend) PROVIDER.create(BackendConfig.named("cuda"))) {
                assertTrue(b.describe().startsWith("CUDA [0] "), b.describe());
            }
        } finally {
            if (old == null) {
                System.clearProperty(CudaBackendProvider.DEVICE_PROPERTY);
            } else {
                System.setProperty(CudaBackendProvider.DEVICE_PROPERTY, old);
            }
        }
    }
}
