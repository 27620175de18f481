package org.distill4j.conformance;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.distill4j.backend.Backend;
import org.distill4j.backend.Scope;
import org.distill4j.backend.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Tensor lifetimes: {@code liveTensors()} counts what is open, scopes close what they own, closing twice is harmless. */
interface MemorySpec extends ConformanceContext {

    @Test
    @DisplayName("memory: liveTensors() returns to its starting value when a scope closes, nested scopes and adopted tensors included")
    default void scopesReleaseTheirTensors() {
        Backend b = backend();
        int start = b.liveTensors();
        Tensor kept;
        try (Scope outer = b.newScope()) {
            outer.tensor(3, 4);
            outer.adopt(b.tensor(7));
            try (Scope inner = b.newScope()) {
                inner.tensor(2, 2, 2);
                inner.tensor(new float[] {1, 2, 3}, 3);
                assertEquals(start + 4, b.liveTensors(), "live tensors inside the inner scope");
            }
            assertEquals(start + 2, b.liveTensors(), "live tensors after the inner scope closed");
            kept = b.tensor(5);
            assertEquals(start + 3, b.liveTensors(), "live tensors with one long-lived tensor");
        }
        assertEquals(start + 1, b.liveTensors(), "only the long-lived tensor is still open after the outer scope");
        kept.close();
        assertEquals(start, b.liveTensors(), "liveTensors() after every tensor is closed");
    }

    @Test
    @DisplayName("memory: closing a tensor or a scope twice is harmless and counts once")
    default void closingTwiceIsHarmless() {
        Backend b = backend();
        int start = b.liveTensors();
        Tensor t = b.tensor(4);
        t.close();
        assertDoesNotThrow(t::close, "closing a tensor twice");
        assertTrue(t.isClosed());
        assertEquals(start, b.liveTensors(), "a tensor closed twice is counted once");

        Scope scope = b.newScope();
        Tensor owned = scope.tensor(2, 3);
        owned.close();
        scope.close();
        assertDoesNotThrow(scope::close, "closing a scope twice");
        assertTrue(owned.isClosed());
        assertEquals(start, b.liveTensors(), "a tensor closed by hand and again by its scope is counted once");
    }

    @Test
    @DisplayName("memory: a closed scope makes no more tensors and its tensors report closed")
    default void closedScopesRefuseNewTensors() {
        Scope scope = backend().newScope();
        Tensor t = scope.tensor(2);
        scope.close();
        assertTrue(t.isClosed(), "a scope's tensor is closed with it");
        assertThrows(IllegalStateException.class, () -> scope.tensor(2), "a closed scope must refuse new tensors");
    }

    @Test
    @DisplayName("memory: invalid shapes are rejected without leaking a tensor")
    default void invalidShapesAreRejected() {
        Backend b = backend();
        int start = b.liveTensors();
        assertThrows(IllegalArgumentException.class, () -> b.tensor());
        assertThrows(IllegalArgumentException.class, () -> b.tensor(1, 2, 3, 4, 5));
        assertThrows(IllegalArgumentException.class, () -> b.tensor(3, 0));
        assertThrows(IllegalArgumentException.class, () -> b.tensor(-1));
        assertThrows(IllegalArgumentException.class, () -> b.tensor(new float[5], 2, 3), "values of the wrong length");
        assertEquals(start, b.liveTensors(), "liveTensors() after rejected allocations");
    }

    @Test
    @DisplayName("memory: running every op inside a scope leaves no tensor open (after a warm-up run)")
    default void opsLeaveNoTensorsOpen() {
        Backend b = backend();
        runEveryOp(b);
        int start = b.liveTensors();
        for (int repeat = 0; repeat < 3; repeat++) {
            runEveryOp(b);
        }
        assertEquals(start, b.liveTensors(), "liveTensors() after running every op three more times");
    }

    @Test
    @DisplayName("memory: many short scopes of many sizes allocate and free without growing liveTensors()")
    default void manyScopesDoNotLeak() {
        Backend b = backend();
        int start = b.liveTensors();
        for (int i = 0; i < 300; i++) {
            try (Scope s = b.newScope()) {
                Tensor x = s.tensor(1 + i % 37, 1 + i % 5);
                b.fill(x, i);
                s.tensor(1 + (i * 7) % 130);
            }
        }
        assertEquals(start, b.liveTensors(), "liveTensors() after 300 scopes");
    }

    private static void runEveryOp(Backend b) {
        try (Scope s = b.newScope()) {
            Tensor x = s.tensor(4, 6);
            Tensor y = s.tensor(4, 6);
            Tensor w = s.tensor(6, 6);
            Tensor bias = s.tensor(6);
            Tensor mask = s.tensor(4, 6);
            Tensor labels = s.tensor(new float[] {0, 5, -1, 2}, 4);
            Tensor loss = s.tensor(1);
            Tensor m = s.tensor(4, 6);
            Tensor v = s.tensor(4, 6);
            b.fill(x, 0.5f);
            b.fill(y, -0.25f);
            b.fill(w, 0.1f);
            b.fill(m, 0f);
            b.fill(v, 0f);
            b.gemm(false, false, 1f, x, w, 0f, y);
            b.gemm(true, true, 1f, w, y, 0f, s.tensor(6, 4));
            b.addRowBias(y, bias);
            b.sumRows(y, bias);
            b.relu(y, y);
            b.reluBackward(x, y, x);
            b.dropout(x, mask, y, 0.3f, 9L);
            b.softmax(x, 2f, y);
            b.logSoftmax(x, 2f, y);
            b.crossEntropy(x, labels, 1f, y, loss);
            b.softTargetLoss(x, y, 2f, 0.5f, m, loss);
            b.mseLoss(x, y, 1f, m, loss);
            b.sgdUpdate(x, y, m, 0.1f, 0.9f, 1e-4f, true);
            b.adamUpdate(x, y, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1);
            b.maxNormColumns(w, 1f);
            b.argmaxRows(x, new int[4]);
            b.copy(x, y);
            b.axpy(2f, x, y);
            b.scale(y, 0.5f);
            b.mul(x, y, y);
            b.sumSquares(y);
            b.synchronize();
        }
    }
}
