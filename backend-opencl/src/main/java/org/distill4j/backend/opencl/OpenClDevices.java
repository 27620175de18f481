package org.distill4j.backend.opencl;

import static org.jocl.CL.CL_DEVICE_AVAILABLE;
import static org.jocl.CL.CL_DEVICE_COMPILER_AVAILABLE;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_CLOCK_FREQUENCY;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_NOT_FOUND;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.CL_PLATFORM_NOT_FOUND_KHR;
import static org.jocl.CL.CL_PLATFORM_VERSION;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.distill4j.backend.BackendConfig;
import org.jocl.CL;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Finds OpenCL platforms and devices and picks one. Every method here calls into JOCL, so only
 * {@link OpenClBackendProvider#probe}, {@link OpenClBackendProvider#create} and
 * {@link OpenClBackendProvider#describeDevices} use it, and they catch {@link LinkageError}s.
 */
final class OpenClDevices {
    /** The system property {@code BackendConfig.fromEnvironment()} turns into the option {@code opencl.device}. */
    static final String DEVICE_PROPERTY = "distill4j.opencl.device";

    /** Preferred first: GPU, then accelerator, then CPU; within a type, more compute units x clock. */
    static final Comparator<ClDevice> PREFERENCE = Comparator.comparing((ClDevice d) -> !d.usable())
            .thenComparingInt(ClDevice::typeRank)
            .thenComparing(Comparator.comparingLong(ClDevice::speedScore).reversed())
            .thenComparingInt(ClDevice::index);

    /** What the ICD loader reports: platform descriptions and every device on them. */
    record Inventory(List<String> platforms, List<ClDevice> devices) {
    }

    private OpenClDevices() {
    }

    /** Lists every platform and device (one real {@code clGetPlatformIDs} call and info queries). */
    static Inventory inventory() {
        int[] count = new int[1];
        int code = CL.clGetPlatformIDs(0, null, count);
        if (code == CL_PLATFORM_NOT_FOUND_KHR || (code == CL.CL_SUCCESS && count[0] == 0)) {
            return new Inventory(List.of(), List.of());
        }
        Cl.check(code, "clGetPlatformIDs");
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        Cl.check(CL.clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs");

        List<String> platformNames = new ArrayList<>();
        List<ClDevice> devices = new ArrayList<>();
        for (cl_platform_id platform : platforms) {
            String platformName = Cl.platformString(platform, CL_PLATFORM_NAME);
            platformNames.add(platformName + " (" + Cl.platformString(platform, CL_PLATFORM_VERSION) + ")");
            int[] deviceCount = new int[1];
            code = CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, deviceCount);
            if (code == CL_DEVICE_NOT_FOUND || deviceCount[0] == 0) {
                continue;
            }
            Cl.check(code, "clGetDeviceIDs");
            cl_device_id[] ids = new cl_device_id[deviceCount[0]];
            Cl.check(CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null), "clGetDeviceIDs");
            for (cl_device_id id : ids) {
                devices.add(new ClDevice(devices.size(), platform, platformName, id,
                        Cl.deviceString(id, CL_DEVICE_NAME),
                        Cl.deviceString(id, CL_DEVICE_VENDOR),
                        Cl.deviceString(id, CL_DEVICE_VERSION),
                        Cl.deviceLong(id, CL_DEVICE_TYPE),
                        Cl.deviceInt(id, CL_DEVICE_MAX_COMPUTE_UNITS),
                        Cl.deviceInt(id, CL_DEVICE_MAX_CLOCK_FREQUENCY),
                        Cl.deviceLong(id, CL_DEVICE_GLOBAL_MEM_SIZE),
                        Cl.deviceSize(id, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                        Cl.deviceInt(id, CL_DEVICE_AVAILABLE) != 0 && Cl.deviceInt(id, CL_DEVICE_COMPILER_AVAILABLE) != 0));
            }
        }
        return new Inventory(List.copyOf(platformNames), List.copyOf(devices));
    }

    /**
     * The device {@code selector} names (an index into {@code devices}, or a case-insensitive
     * substring of the device or platform name), or the preferred one when {@code selector} is
     * null or blank.
     *
     * @throws IllegalArgumentException when the selector matches no usable device
     */
    static ClDevice choose(List<ClDevice> devices, String selector) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("no OpenCL device");
        }
        if (selector == null || selector.isBlank()) {
            return devices.stream().min(PREFERENCE).orElseThrow();
        }
        String wanted = selector.trim();
        if (wanted.chars().allMatch(Character::isDigit)) {
            int index = Integer.parseInt(wanted);
            if (index < devices.size() && devices.get(index).usable()) {
                return devices.get(index);
            }
        } else {
            String needle = wanted.toLowerCase(Locale.ROOT);
            var match = devices.stream()
                    .filter(d -> d.name().toLowerCase(Locale.ROOT).contains(needle)
                            || d.platformName().toLowerCase(Locale.ROOT).contains(needle))
                    .filter(ClDevice::usable)
                    .min(PREFERENCE);
            if (match.isPresent()) {
                return match.get();
            }
        }
        throw new IllegalArgumentException("opencl.device='" + selector + "' matches no usable OpenCL device; found:\n"
                + list(devices, null));
    }

    /** One line per device, {@code chosen} marked with {@code *}. */
    static String list(List<ClDevice> devices, ClDevice chosen) {
        StringBuilder sb = new StringBuilder();
        for (ClDevice d : devices) {
            sb.append(String.format("  %s [%d] %s: %s%n", d == chosen ? "*" : " ", d.index(), d.platformName(),
                    d.summary()));
        }
        return sb.toString();
    }

    /** The option {@code opencl.device}, or {@code null} for the preferred device. */
    static String selector(BackendConfig config) {
        return config.option("opencl", "device").orElse(null);
    }
}
