package org.distill4j.backend.cuda;

import java.util.Locale;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;

/** What the driver reports about one GPU: its index, name, compute capability, size, and the driver version. */
record CudaDevice(int index, CUdevice handle, String name, int major, int minor, int multiprocessors, long memory,
                  String driverVersion) {

    /** Queries device {@code index}; {@link Cu#initAndCountDevices()} must have run. */
    static CudaDevice query(int index) {
        CUdevice device = Cu.device(index);
        return new CudaDevice(index, device, Cu.name(device),
                Cu.attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                Cu.attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                Cu.attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                Cu.totalMemory(device), Cu.driverVersion());
    }

    /** For example {@code "[0] NVIDIA H100 80GB HBM3 (sm_90, 132 SMs, 79.1 GiB), driver CUDA 13.0"}. */
    String summary() {
        return "[" + index + "] " + name + " (sm_" + major + minor + ", " + multiprocessors + " SMs, "
                + String.format(Locale.ROOT, "%.1f GiB", memory / (double) (1L << 30)) + "), driver CUDA " + driverVersion;
    }
}
