package org.distill4j.backend.opencl;

import static org.jocl.CL.CL_SUCCESS;

import org.distill4j.backend.device.Natives;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** Error checking and info queries over JOCL's raw calls (JOCL's own exceptions stay disabled). */
final class Cl {
    private Cl() {
    }

    /** Throws an {@link OpenClException} naming {@code call} unless {@code code} is {@code CL_SUCCESS}. */
    static void check(int code, String call) {
        if (code != CL_SUCCESS) {
            throw new OpenClException(call, code, null);
        }
    }

    static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        check(CL.clGetPlatformInfo(platform, param, 0, null, size), "clGetPlatformInfo");
        byte[] bytes = new byte[(int) size[0]];
        check(CL.clGetPlatformInfo(platform, param, bytes.length, Pointer.to(bytes), null), "clGetPlatformInfo");
        return Natives.cString(bytes);
    }

    static String deviceString(cl_device_id device, int param) {
        long[] size = new long[1];
        check(CL.clGetDeviceInfo(device, param, 0, null, size), "clGetDeviceInfo");
        byte[] bytes = new byte[(int) size[0]];
        check(CL.clGetDeviceInfo(device, param, bytes.length, Pointer.to(bytes), null), "clGetDeviceInfo");
        return Natives.cString(bytes);
    }

    /** A {@code cl_uint} or {@code cl_bool} device property. */
    static int deviceInt(cl_device_id device, int param) {
        int[] value = new int[1];
        check(CL.clGetDeviceInfo(device, param, Sizeof.cl_uint, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    /** A {@code cl_ulong} (or {@code cl_device_type}) device property. */
    static long deviceLong(cl_device_id device, int param) {
        long[] value = new long[1];
        check(CL.clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    /** A {@code size_t} device property. */
    static long deviceSize(cl_device_id device, int param) {
        long[] value = new long[1];
        check(CL.clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(value), null), "clGetDeviceInfo");
        return Sizeof.size_t == 4 ? value[0] & 0xFFFF_FFFFL : value[0];
    }
}
