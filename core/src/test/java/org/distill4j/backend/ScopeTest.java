package org.distill4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.distill4j.backend.FakeBackend.FakeTensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Scope")
class ScopeTest {
    private final FakeBackend backend = new FakeBackend("fake");

    @Test
    @DisplayName("closes its tensors in reverse order of creation, adopted ones included")
    void closesInReverseOrder() {
        Tensor first;
        Tensor adopted;
        Tensor last;
        try (Scope scope = backend.newScope()) {
            first = scope.tensor(2);
            adopted = scope.adopt(backend.tensor(3));
            last = scope.tensor(new float[] {1, 2}, 2);
            assertEquals(3, scope.size());
            assertEquals(3, backend.liveTensors());
        }
        assertEquals(List.of(last, adopted, first), backend.released);
        assertEquals(0, backend.liveTensors());
        assertTrue(first.isClosed() && adopted.isClosed() && last.isClosed());
    }

    @Test
    @DisplayName("belongs to the backend that made it")
    void knowsItsBackend() {
        try (Scope scope = backend.newScope()) {
            assertSame(backend, scope.backend());
            assertSame(backend, scope.tensor(1).backend());
        }
    }

    @Test
    @DisplayName("closing twice releases each tensor once")
    void closingTwiceIsHarmless() {
        Scope scope = backend.newScope();
        scope.tensor(4);
        scope.close();
        scope.close();
        assertEquals(1, backend.released.size());
        assertEquals(0, backend.liveTensors());
    }

    @Test
    @DisplayName("a tensor closed by hand before the scope closes is released once")
    void tensorClosedEarlyIsReleasedOnce() {
        try (Scope scope = backend.newScope()) {
            scope.tensor(4).close();
        }
        assertEquals(1, backend.released.size());
        assertEquals(0, backend.liveTensors());
    }

    @Test
    @DisplayName("refuses new tensors once closed")
    void refusesTensorsAfterClose() {
        Scope scope = backend.newScope();
        scope.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> scope.tensor(2));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertEquals(0, backend.liveTensors());
    }

    @Test
    @DisplayName("when releases fail, closes every other tensor and throws the first failure with the rest suppressed")
    void failingReleasesDoNotStopTheOthers() {
        Scope scope = backend.newScope();
        FakeTensor a = (FakeTensor) scope.tensor(1);
        FakeTensor b = (FakeTensor) scope.tensor(1);
        FakeTensor c = (FakeTensor) scope.tensor(1);
        FakeTensor d = (FakeTensor) scope.tensor(1);
        b.failOnRelease = new IllegalStateException("b failed");
        d.failOnRelease = new IllegalStateException("d failed");

        IllegalStateException thrown = assertThrows(IllegalStateException.class, scope::close);

        assertEquals("d failed", thrown.getMessage(), "the first failure in closing order (d closes first)");
        assertEquals(1, thrown.getSuppressed().length);
        assertEquals("b failed", thrown.getSuppressed()[0].getMessage());
        assertEquals(List.of(d, c, b, a), backend.released, "every tensor was released despite the failures");
        assertTrue(a.isClosed() && b.isClosed() && c.isClosed() && d.isClosed());
        scope.close();
        assertEquals(4, backend.released.size(), "a second close does not retry");
    }

    @Test
    @DisplayName("a tensor whose initial values do not fit is still owned and freed by the scope")
    void tensorWithBadValuesIsStillFreed() {
        try (Scope scope = backend.newScope()) {
            assertThrows(IllegalArgumentException.class, () -> scope.tensor(new float[3], 2, 2));
        }
        assertEquals(0, backend.liveTensors());
    }

    @Test
    @DisplayName("tensors keep their contents until closed")
    void tensorsHoldValues() {
        try (Scope scope = backend.newScope()) {
            Tensor t = scope.tensor(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toArray());
        }
    }
}
