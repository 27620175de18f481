package org.distill4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Tensor")
class TensorTest {
    private final FakeBackend backend = new FakeBackend("fake");

    @Test
    @DisplayName("is viewed as shape[0] rows by size/shape[0] columns")
    void matrixView() {
        try (Tensor t = backend.tensor(2, 1, 3, 5)) {
            assertEquals(30, t.size());
            assertEquals(2, t.rows());
            assertEquals(15, t.cols());
            assertEquals(4, t.rank());
            assertArrayEquals(new int[] {2, 1, 3, 5}, t.shape());
            assertEquals("[2, 1, 3, 5]", t.shapeString());
        }
    }

    @Test
    @DisplayName("rejects ranks outside 1..4, non-positive dimensions and sizes beyond 2^31")
    void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.checkedSize());
        assertThrows(IllegalArgumentException.class, () -> Tensor.checkedSize(1, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.checkedSize(3, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.checkedSize(-2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.checkedSize(65536, 65536));
        assertTrue(e.getMessage().contains("2^31"), e.getMessage());
        assertEquals(0, backend.liveTensors(), "no tensor was allocated");
    }

    @Test
    @DisplayName("checks host transfers: length, offset and an open tensor, naming the shape")
    void checksTransfers() {
        Tensor t = backend.tensor(2, 3);
        IllegalArgumentException shortSource = assertThrows(IllegalArgumentException.class, () -> t.copyFrom(new float[5]));
        assertTrue(shortSource.getMessage().contains("[2, 3]"), shortSource.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.copyFrom(new float[6], 1));
        assertThrows(IllegalArgumentException.class, () -> t.copyFrom(new float[6], -1));
        assertThrows(IllegalArgumentException.class, () -> t.copyTo(new float[5]));
        t.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, t::toArray);
        assertTrue(closed.getMessage().contains("closed") && closed.getMessage().contains("fake"), closed.getMessage());
    }

    @Test
    @DisplayName("counts in liveTensors() from allocation until the first close")
    void liveTensorCount() {
        Tensor a = backend.tensor(1);
        Tensor b = backend.tensor(new float[] {1, 2}, 2);
        assertEquals(2, backend.liveTensors());
        a.close();
        a.close();
        assertEquals(1, backend.liveTensors());
        b.close();
        assertEquals(0, backend.liveTensors());
        assertThrows(IllegalArgumentException.class, () -> backend.tensor(new float[1], 2));
        assertEquals(0, backend.liveTensors(), "a tensor whose values do not fit is closed again");
    }
}
