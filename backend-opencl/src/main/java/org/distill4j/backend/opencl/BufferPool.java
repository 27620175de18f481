package org.distill4j.backend.opencl;

import static org.jocl.CL.CL_MEM_OBJECT_ALLOCATION_FAILURE;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_OUT_OF_RESOURCES;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_mem;

/**
 * Device buffers of one context, reused by byte size: a released buffer waits in the pool for
 * the next request of the same size. Commands run in order on the backend's single queue, so a
 * buffer released while a queued kernel still uses it is only written again after that kernel.
 * Not thread-safe; the backend calls it under its lock.
 */
final class BufferPool {
    private final cl_context context;
    private final Map<Long, ArrayDeque<cl_mem>> free = new HashMap<>();
    private final Set<cl_mem> all = Collections.newSetFromMap(new IdentityHashMap<>());
    private long freeBytes;

    BufferPool(cl_context context) {
        this.context = context;
    }

    /** A pooled buffer of exactly {@code bytes} bytes, or a new one; empties the pool and retries once when memory runs out. */
    cl_mem acquire(long bytes) {
        ArrayDeque<cl_mem> sameSize = free.get(bytes);
        if (sameSize != null && !sameSize.isEmpty()) {
            freeBytes -= bytes;
            return sameSize.pop();
        }
        int[] code = new int[1];
        cl_mem mem = CL.clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, code);
        if ((code[0] == CL_MEM_OBJECT_ALLOCATION_FAILURE || code[0] == CL_OUT_OF_RESOURCES) && freeBytes > 0) {
            trim();
            mem = CL.clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, code);
        }
        Cl.check(code[0], "clCreateBuffer(" + bytes + " bytes)");
        all.add(mem);
        return mem;
    }

    /** Returns a buffer from {@link #acquire} to the pool. */
    void release(cl_mem mem, long bytes) {
        if (!all.contains(mem)) {
            return;
        }
        free.computeIfAbsent(bytes, b -> new ArrayDeque<>()).push(mem);
        freeBytes += bytes;
    }

    /** Frees every pooled (unused) buffer. */
    void trim() {
        for (ArrayDeque<cl_mem> buffers : free.values()) {
            for (cl_mem mem : buffers) {
                all.remove(mem);
                CL.clReleaseMemObject(mem);
            }
        }
        free.clear();
        freeBytes = 0;
    }

    /** Bytes held in the pool, waiting for reuse. */
    long freeBytes() {
        return freeBytes;
    }

    /** Buffers allocated and not freed, in use or pooled. */
    int allocated() {
        return all.size();
    }

    /** Frees every buffer, including those still held by open tensors. */
    void close() {
        for (cl_mem mem : all) {
            CL.clReleaseMemObject(mem);
        }
        all.clear();
        free.clear();
        freeBytes = 0;
    }
}
