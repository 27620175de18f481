package org.distill4j.backend.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;

import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.Test;

/** The base's pool, lifetime and launch shapes, over a driver whose device memory is host arrays and whose kernels only record their launch. */
class DeviceBackendTest {
    private static final class HostDriver implements DeviceDriver<float[]> {
        long memoryLeft = Long.MAX_VALUE;
        int allocations;
        int frees;
        boolean closed;
        RuntimeException synchronizeFailure;
        final List<String> launches = new ArrayList<>();

        @Override
        public float[] allocate(long bytes, boolean lastTry) {
            if (bytes > memoryLeft) {
                if (!lastTry) {
                    return null;
                }
                throw new DeviceException("hostAlloc(" + bytes + " bytes)", "OUT_OF_MEMORY", 2, null);
            }
            memoryLeft -= bytes;
            allocations++;
            return new float[(int) (bytes / Float.BYTES)];
        }

        @Override
        public void free(float[] block) {
            memoryLeft += (long) block.length * Float.BYTES;
            frees++;
        }

        @Override
        public void copyIn(float[] dst, float[] src, int offset, long bytes) {
            System.arraycopy(src, offset, dst, 0, (int) (bytes / Float.BYTES));
        }

        @Override
        public void copyOut(float[] src, Buffer dst, long bytes) {
            int n = (int) (bytes / Float.BYTES);
            if (dst instanceof FloatBuffer f) {
                f.put(src, 0, n);
            } else {
                for (int i = 0; i < n; i++) {
                    ((IntBuffer) dst).put((int) src[i]);
                }
            }
        }

        @Override
        public void copy(float[] src, float[] dst, long bytes) {
            System.arraycopy(src, 0, dst, 0, (int) (bytes / Float.BYTES));
        }

        @Override
        public void launch(String kernel, KernelArg[] args, Grid grid) {
            launches.add(kernel + " " + args.length + " " + grid);
        }

        @Override
        public void synchronize() {
            if (synchronizeFailure != null) {
                throw synchronizeFailure;
            }
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public Geometry geometry() {
            return new Geometry(64, 32, 0, 16, 4);
        }
    }

    private static final class HostBackend extends DeviceBackend<float[]> {
        HostBackend(HostDriver driver) {
            super(driver, "host backend");
        }

        @Override
        public String name() {
            return "host";
        }

        @Override
        public String describe() {
            return "host arrays";
        }
    }

    private final HostDriver driver = new HostDriver();
    private final HostBackend backend = new HostBackend(driver);

    @Test
    void aClosedTensorsBlockIsReusedForTheSameSize() {
        float[] values = {1, 2, 3, 4, 5, 6};
        try (Tensor t = backend.tensor(values, 2, 3)) {
            assertArrayEquals(values, t.toArray());
        }
        assertEquals(1, backend.allocatedBlocks());
        assertEquals(24, backend.pooledBytes());
        try (Tensor again = backend.tensor(3, 2)) {
            assertEquals(0, backend.pooledBytes());
        }
        assertEquals(1, backend.deviceAllocations());
        backend.close();
    }

    @Test
    void outOfMemoryFreesThePoolAndTriesOnceMore() {
        driver.memoryLeft = 100;
        backend.tensor(20).close();
        try (Tensor t = backend.tensor(15)) {
            assertEquals(1, driver.frees, "the pooled 80-byte block was freed");
            assertEquals(1, backend.allocatedBlocks());
        }
        DeviceException e = assertThrows(DeviceException.class, () -> backend.tensor(30));
        assertEquals("hostAlloc(120 bytes) failed: OUT_OF_MEMORY (2)", e.getMessage());
        backend.close();
    }

    @Test
    void aClosedBackendRefusesBeforeTouchingThePool() {
        Tensor x = backend.tensor(4, 4);
        backend.close();
        assertTrue(driver.closed);
        assertEquals(driver.allocations, driver.frees, "close frees blocks still held by tensors");
        assertEquals(0, backend.allocatedBlocks());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.tensor(2));
        assertEquals("the host backend is closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> backend.argmaxRows(x, new int[4]));
        assertThrows(IllegalStateException.class, () -> backend.sumSquares(x));
        assertEquals(1, driver.allocations, "no scratch block after close");
        assertTrue(driver.launches.isEmpty(), driver.launches.toString());
        x.close();
    }

    @Test
    void closeFinishesAfterAFailedWaitAndThenThrowsIt() {
        backend.tensor(8);
        driver.synchronizeFailure = new DeviceException("hostSync", "LOST", 7, null);
        assertSame(driver.synchronizeFailure, assertThrows(DeviceException.class, backend::close));
        assertEquals(1, driver.frees);
        assertTrue(driver.closed);
    }

    @Test
    void launchShapesFollowTheGeometry() {
        try (Tensor a = backend.tensor(3, 100); Tensor out = backend.tensor(3, 100);
             Tensor b = backend.tensor(100, 70); Tensor c = backend.tensor(3, 70)) {
            backend.relu(a, out);
            backend.softmax(a, 1f, out);
            backend.gemm(false, false, 1f, a, b, 0f, c);
            backend.sumSquares(a);
            assertEquals(List.of(
                    "relu 3 Grid[dimensions=1, groupsX=5, groupsY=1, localX=64, localY=1]",
                    "softmax 4 Grid[dimensions=1, groupsX=3, groupsY=1, localX=32, localY=1]",
                    "gemm_tiled 10 Grid[dimensions=2, groupsX=2, groupsY=1, localX=16, localY=16]",
                    "sum_squares_partials 3 Grid[dimensions=1, groupsX=4, groupsY=1, localX=64, localY=1]"),
                    driver.launches);
        }
        backend.close();
    }
}
