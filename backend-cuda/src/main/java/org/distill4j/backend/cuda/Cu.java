package org.distill4j.backend.cuda;

import org.distill4j.backend.device.Natives;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** Error checks and device queries over JCuda's driver calls (JCuda's own exceptions stay disabled). */
final class Cu {
    private Cu() {
    }

    /** Throws a {@link CudaException} naming {@code call} unless {@code result} is {@code CUDA_SUCCESS}. */
    static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call, CUresult.stringFor(result), result, null);
        }
    }

    /** {@code cuInit(0)}, then the number of devices. */
    static int initAndCountDevices() {
        check(JCudaDriver.cuInit(0), "cuInit");
        int[] count = new int[1];
        check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        return count[0];
    }

    /** The driver's CUDA version as {@code major.minor}, e.g. {@code 13.0}. */
    static String driverVersion() {
        int[] version = new int[1];
        check(JCudaDriver.cuDriverGetVersion(version), "cuDriverGetVersion");
        return version[0] / 1000 + "." + version[0] % 1000 / 10;
    }

    static CUdevice device(int index) {
        CUdevice device = new CUdevice();
        check(JCudaDriver.cuDeviceGet(device, index), "cuDeviceGet(" + index + ")");
        return device;
    }

    static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device),
                "cuDeviceGetAttribute(" + CUdevice_attribute.stringFor(attribute) + ")");
        return value[0];
    }

    static String name(CUdevice device) {
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        return Natives.cString(name);
    }

    static long totalMemory(CUdevice device) {
        long[] bytes = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(bytes, device), "cuDeviceTotalMem");
        return bytes[0];
    }
}
