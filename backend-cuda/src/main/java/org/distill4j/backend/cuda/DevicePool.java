package org.distill4j.backend.cuda;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Device memory of one context, reused by byte size: a released block waits in the pool for the
 * next request of the same size, so a training loop stops calling {@code cuMemAlloc} after its
 * first step. Kernels run in order on the backend's one stream, and host copies wait for that
 * stream, so a block released while a queued kernel still uses it is only written again after
 * that kernel. Not thread-safe; the backend calls it under its lock with its context current.
 */
final class DevicePool {
    private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
    private final Set<CUdeviceptr> all = Collections.newSetFromMap(new IdentityHashMap<>());
    private long freeBytes;
    private long allocations;

    /** A pooled block of exactly {@code bytes} bytes, or a new one; empties the pool and retries once when memory runs out. */
    CUdeviceptr acquire(long bytes) {
        ArrayDeque<CUdeviceptr> sameSize = free.get(bytes);
        if (sameSize != null && !sameSize.isEmpty()) {
            freeBytes -= bytes;
            return sameSize.pop();
        }
        CUdeviceptr ptr = new CUdeviceptr();
        int result = JCudaDriver.cuMemAlloc(ptr, bytes);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY && freeBytes > 0) {
            trim();
            result = JCudaDriver.cuMemAlloc(ptr, bytes);
        }
        Cu.check(result, "cuMemAlloc(" + bytes + " bytes)");
        all.add(ptr);
        allocations++;
        return ptr;
    }

    /** Returns a block from {@link #acquire} to the pool. */
    void release(CUdeviceptr ptr, long bytes) {
        if (!all.contains(ptr)) {
            return;
        }
        free.computeIfAbsent(bytes, b -> new ArrayDeque<>()).push(ptr);
        freeBytes += bytes;
    }

    /** Frees every pooled (unused) block. */
    void trim() {
        for (ArrayDeque<CUdeviceptr> blocks : free.values()) {
            for (CUdeviceptr ptr : blocks) {
                all.remove(ptr);
                JCudaDriver.cuMemFree(ptr);
            }
        }
        free.clear();
        freeBytes = 0;
    }

    /** Bytes held in the pool, waiting for reuse. */
    long freeBytes() {
        return freeBytes;
    }

    /** Blocks allocated and not freed, in use or pooled. */
    int allocated() {
        return all.size();
    }

    /** How many times {@code cuMemAlloc} was called. */
    long allocations() {
        return allocations;
    }

    /** Frees every block, including those still held by open tensors; returns the first failure code. */
    int close() {
        int first = CUresult.CUDA_SUCCESS;
        for (CUdeviceptr ptr : all) {
            int result = JCudaDriver.cuMemFree(ptr);
            if (first == CUresult.CUDA_SUCCESS) {
                first = result;
            }
        }
        all.clear();
        free.clear();
        freeBytes = 0;
        return first;
    }
}
