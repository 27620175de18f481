package org.distill4j.backend.device;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Device memory of one backend, reused by byte size: a released block waits in the pool for the
 * next request of the same size, so a training loop stops allocating after its first step. Work
 * runs in order on the backend's one queue, and host copies wait for it, so a block released while
 * a queued kernel still uses it is only written again after that kernel. Not thread-safe; the
 * backend calls it under its lock.
 */
final class DevicePool<B> {
    private final DeviceDriver<B> driver;
    private final Map<Long, ArrayDeque<B>> free = new HashMap<>();
    private final Set<B> all = Collections.newSetFromMap(new IdentityHashMap<>());
    private long freeBytes;
    private long allocations;

    DevicePool(DeviceDriver<B> driver) {
        this.driver = driver;
    }

    /** A pooled block of exactly {@code bytes} bytes, or a new one; empties the pool and retries once when memory runs out. */
    B acquire(long bytes) {
        ArrayDeque<B> sameSize = free.get(bytes);
        if (sameSize != null && !sameSize.isEmpty()) {
            freeBytes -= bytes;
            return sameSize.pop();
        }
        B block = driver.allocate(bytes, freeBytes == 0);
        if (block == null) {
            trim();
            block = driver.allocate(bytes, true);
        }
        all.add(block);
        allocations++;
        return block;
    }

    /** Returns a block from {@link #acquire} to the pool. */
    void release(B block, long bytes) {
        if (!all.contains(block)) {
            return;
        }
        free.computeIfAbsent(bytes, b -> new ArrayDeque<>()).push(block);
        freeBytes += bytes;
    }

    /** Frees every pooled (unused) block. */
    void trim() {
        for (ArrayDeque<B> blocks : free.values()) {
            for (B block : blocks) {
                all.remove(block);
                driver.free(block);
            }
        }
        free.clear();
        freeBytes = 0;
    }

    long freeBytes() {
        return freeBytes;
    }

    int allocated() {
        return all.size();
    }

    long allocations() {
        return allocations;
    }

    /** Frees every block, including those still held by open tensors; returns {@code failure} or else the first one. */
    RuntimeException close(RuntimeException failure) {
        for (B block : all) {
            try {
                driver.free(block);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        all.clear();
        free.clear();
        freeBytes = 0;
        return failure;
    }
}
