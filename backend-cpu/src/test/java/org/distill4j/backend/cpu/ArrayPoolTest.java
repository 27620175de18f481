package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** The array pool gives back arrays of the exact length asked for, within its byte and length bounds. */
class ArrayPoolTest {
    @Test
    void aGivenArrayIsTakenAgainForTheSameLengthOnly() {
        ArrayPool pool = new ArrayPool(1 << 20);
        float[] a = pool.take(100);
        assertEquals(100, a.length);
        pool.give(a);
        assertEquals(400, pool.pooledBytes());
        float[] other = pool.take(101);
        assertNotSame(a, other);
        assertSame(a, pool.take(100));
        assertEquals(0, pool.pooledBytes());
        assertNotSame(a, pool.take(100), "an array is handed out once");
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        ArrayPool pool = new ArrayPool(1000);
        pool.give(new float[200]);
        pool.give(new float[50]);
        assertEquals(1000, pool.pooledBytes());
        pool.give(new float[300]);
        assertTrue(pool.pooledBytes() <= 1000, "pooled " + pool.pooledBytes());
        pool.give(new float[251]);
        assertTrue(pool.pooledBytes() <= 1000, "an array larger than the capacity is not kept");
    }

    @Test
    void dropsTheLeastRecentlyUsedLengthFirst() {
        ArrayPool pool = new ArrayPool(4 * 300);
        float[] old = new float[100];
        float[] recent = new float[100 + 1];
        pool.give(old);
        pool.give(recent);
        pool.give(new float[99]);
        assertEquals(4 * 300, pool.pooledBytes());
        float[] kept = pool.take(101);
        pool.give(kept);
        pool.give(new float[98]);
        assertSame(recent, pool.take(101), "the recently used length survives");
        assertNotSame(old, pool.take(100), "the length used longest ago was dropped");
    }

    @Test
    void keepsAtMostMaxLengthsDistinctLengths() {
        ArrayPool pool = new ArrayPool(1 << 20);
        for (int length = 1; length <= ArrayPool.MAX_LENGTHS + 10; length++) {
            pool.give(new float[length]);
        }
        long expected = 0;
        for (int length = 11; length <= ArrayPool.MAX_LENGTHS + 10; length++) {
            expected += 4L * length;
        }
        assertEquals(expected, pool.pooledBytes(), "only the newest MAX_LENGTHS lengths are kept");
    }

    @Test
    void zeroCapacityKeepsNothingAndCloseDropsEverything() {
        ArrayPool none = new ArrayPool(0);
        none.give(new float[10]);
        assertEquals(0, none.pooledBytes());

        ArrayPool pool = new ArrayPool(1 << 20);
        float[] a = new float[10];
        pool.give(a);
        pool.close();
        assertEquals(0, pool.pooledBytes());
        pool.give(a);
        assertEquals(0, pool.pooledBytes(), "a closed pool keeps nothing");
        assertNotSame(a, pool.take(10));
        assertThrows(IllegalArgumentException.class, () -> new ArrayPool(-1));
    }

    @Test
    void concurrentTakersNeverShareAnArray() throws Exception {
        ArrayPool pool = new ArrayPool(1 << 20);
        Set<float[]> handedOut = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(threads.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        float[] a = pool.take(16 + i % 3);
                        assertTrue(handedOut.add(a), "array handed to two takers at once");
                        assertTrue(handedOut.remove(a));
                        pool.give(a);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
        assertTrue(pool.pooledBytes() <= 3 * 4 * 4L * 18, "at most one array per thread and length");
    }
}
