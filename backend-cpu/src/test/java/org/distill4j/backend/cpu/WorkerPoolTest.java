package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/** Every part runs exactly once, failures reach the caller, and a closed pool still finishes the work. */
class WorkerPoolTest {
    @Test
    void runsEachPartExactlyOnce() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 200; round++) {
                AtomicIntegerArray counts = new AtomicIntegerArray(5);
                pool.run(5, counts::incrementAndGet);
                for (int i = 0; i < 5; i++) {
                    assertEquals(1, counts.get(i));
                }
            }
        }
    }

    @Test
    void aFailingPartIsRethrownAfterTheOthersFinish() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicIntegerArray counts = new AtomicIntegerArray(4);
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> pool.run(4, i -> {
                counts.incrementAndGet(i);
                if (i == 2) {
                    throw boom;
                }
            }));
            assertSame(boom, thrown);
            for (int i = 0; i < 4; i++) {
                assertEquals(1, counts.get(i));
            }
        }
    }

    @Test
    void aClosedPoolRunsThePartsOnTheCaller() {
        WorkerPool pool = new WorkerPool(2);
        pool.close();
        AtomicIntegerArray counts = new AtomicIntegerArray(3);
        pool.run(3, counts::incrementAndGet);
        for (int i = 0; i < 3; i++) {
            assertEquals(1, counts.get(i));
        }
    }
}
