package org.distill4j.backend.opencl;

import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as found by {@link OpenClDevices#inventory()}: its handles and the properties
 * used to rank it and to describe it. {@code index} counts devices over all platforms, in the order
 * the platforms and devices are reported, and is what {@code opencl.device=<index>} refers to.
 */
record ClDevice(int index, cl_platform_id platform, String platformName, cl_device_id id, String name,
                String vendor, String version, long type, int computeUnits, int clockMhz,
                long globalMemBytes, long maxWorkGroupSize, boolean usable) {

    boolean isGpu() {
        return (type & CL_DEVICE_TYPE_GPU) != 0;
    }

    boolean isAccelerator() {
        return (type & CL_DEVICE_TYPE_ACCELERATOR) != 0;
    }

    boolean isCpu() {
        return (type & CL_DEVICE_TYPE_CPU) != 0;
    }

    /** 0 for a GPU, 1 for an accelerator, 2 for a CPU, 3 otherwise: lower is preferred. */
    int typeRank() {
        return isGpu() ? 0 : isAccelerator() ? 1 : isCpu() ? 2 : 3;
    }

    String typeName() {
        return isGpu() ? "GPU" : isAccelerator() ? "accelerator" : isCpu() ? "CPU" : "other";
    }

    /** Compute units times clock: a rough guess at throughput within one device type. */
    long speedScore() {
        return (long) computeUnits * Math.max(1, clockMhz);
    }

    /** For example {@code "NVIDIA H100 (GPU, 132 compute units @ 1980 MHz, 79.1 GiB, OpenCL 3.0 CUDA)"}. */
    String summary() {
        return String.format("%s (%s, %d compute units @ %d MHz, %.1f GiB, %s)%s", name, typeName(), computeUnits,
                clockMhz, globalMemBytes / (1024.0 * 1024 * 1024), version, usable ? "" : " [unavailable or no compiler]");
    }
}
