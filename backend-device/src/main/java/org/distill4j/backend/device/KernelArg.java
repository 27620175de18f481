package org.distill4j.backend.device;

/** One argument of a kernel launch, in the order of the kernel's parameters. */
public sealed interface KernelArg {
    /** A block of device memory: the driver's own handle, as {@link DeviceDriver#allocate} made it. */
    record Memory(Object block) implements KernelArg {
    }

    /** An {@code int}. */
    record Int(int value) implements KernelArg {
    }

    /** A {@code float}. */
    record Float32(float value) implements KernelArg {
    }

    /** A 64-bit unsigned integer ({@code unsigned long long}, {@code ulong}) passed bit for bit. */
    record UInt64(long value) implements KernelArg {
    }
}
