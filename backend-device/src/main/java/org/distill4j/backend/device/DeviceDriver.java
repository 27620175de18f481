package org.distill4j.backend.device;

import java.nio.Buffer;

/**
 * What a device backend writes for its native API: memory, copies, named kernel launches and the
 * wait, on one device and one in-order queue (stream). {@code B} is the driver's handle of a block
 * of device memory. {@link DeviceBackend} calls every method under its lock, after
 * {@link #enter()}; failures are the driver's own runtime exceptions, naming the native call.
 */
public interface DeviceDriver<B> {
    /** Makes the device usable from the calling thread (CUDA: makes the context current); before every op. */
    default void enter() {
    }

    /**
     * A new block of {@code bytes} bytes; when the device is out of memory, {@code null} unless
     * {@code lastTry} (the pool then frees its unused blocks and asks again), else the exception.
     */
    B allocate(long bytes, boolean lastTry);

    /** Frees a block from {@link #allocate}. */
    void free(B block);

    /** Copies {@code bytes} bytes from {@code src[offset..]} to the device; {@code src} may be reused on return. */
    void copyIn(B dst, float[] src, int offset, long bytes);

    /** Waits for the queued work, then copies {@code bytes} bytes from the device to {@code dst}, an array-backed buffer. */
    void copyOut(B src, Buffer dst, long bytes);

    /** Queues a device-to-device copy. */
    void copy(B src, B dst, long bytes);

    /** Queues the kernel {@code kernel} of the loaded kernel sources with {@code args} over {@code grid}. */
    void launch(String kernel, KernelArg[] args, Grid grid);

    /** Waits until the queued work has finished. */
    void synchronize();

    /** Releases everything but the memory blocks, which the backend has freed by then. */
    void close();

    /** How the kernels are launched on this device; asked once. */
    Geometry geometry();

    /** Which gemm kernel runs where {@link #libraryGemm} declines. */
    default BuiltInGemm builtInGemm() {
        return BuiltInGemm.TILED;
    }

    /**
     * Row-major {@code C = alpha op(A) op(B) + beta C} through a library of the device's own (e.g.
     * cuBLAS), queued; returns {@code false}, having done nothing, where the built-in kernel should run.
     */
    default boolean libraryGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, B a, B b,
                                float beta, B c) {
        return false;
    }
}
