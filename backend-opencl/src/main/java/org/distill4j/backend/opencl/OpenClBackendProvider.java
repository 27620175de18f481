package org.distill4j.backend.opencl;

import java.util.List;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendUnavailableException;
import org.distill4j.backend.device.DeviceBackendProvider;
import org.distill4j.backend.device.Natives;

/**
 * The {@code opencl} backend provider. Loading this class touches no native code: JOCL and
 * {@code libOpenCL.so} are first used by {@link #probe}, {@link #create} and
 * {@link #describeDevices}, which turn every failure (a missing library included) into a reason;
 * a missing ICD loader is found by {@link IcdLoader} before JOCL would print its own complaint.
 *
 * <p>The priority is {@value #CPU_ONLY_PRIORITY}, so the project's own CPU backend stays the default
 * where OpenCL only offers CPU devices (e.g. PoCL); a probe that finds the chosen device is a GPU or
 * accelerator answers with {@value #GPU_PRIORITY} ({@link Availability#withPriority}). The device is
 * chosen by the option {@code opencl.device} (an index from {@link #describeDevices} or a name
 * substring; from {@code -Ddistill4j.opencl.device} through {@link BackendConfig#fromEnvironment()}),
 * else the fastest-looking device (GPU, then accelerator, then CPU; then compute units x clock).
 */
public final class OpenClBackendProvider extends DeviceBackendProvider {
    static final int GPU_PRIORITY = 20;
    static final int CPU_ONLY_PRIORITY = -10;

    private static final String NO_LOADER = "no libOpenCL.so";
    private static final NativeFailure NATIVE_FAILURE = new NativeFailure(OpenClBackendProvider::describe);

    public OpenClBackendProvider() {
        super("opencl", CPU_ONLY_PRIORITY, NATIVE_FAILURE);
    }

    @Override
    protected Availability check(BackendConfig config) {
        OpenClDevices.Inventory inventory = inventory();
        List<ClDevice> devices = inventory.devices();
        if (inventory.platforms().isEmpty()) {
            return Availability.unavailable("no OpenCL platform: the ICD loader found no driver"
                    + " (/etc/OpenCL/vendors/*.icd); install a GPU driver's OpenCL ICD or pocl-opencl-icd");
        }
        if (devices.isEmpty()) {
            return Availability.unavailable("OpenCL platform(s) " + inventory.platforms() + " report no device");
        }
        ClDevice chosen = OpenClDevices.choose(devices, OpenClDevices.selector(config));
        boolean accelerated = chosen.usable() && (chosen.isGpu() || chosen.isAccelerator());
        Availability available = Availability.available(devices.size() + " OpenCL device" + (devices.size() == 1 ? "" : "s")
                + ", using: " + chosen.summary() + (accelerated ? "" : " (a CPU device, so not the default)"));
        return accelerated ? available.withPriority(GPU_PRIORITY) : available;
    }

    @Override
    protected Backend open(BackendConfig config) {
        List<ClDevice> devices = inventory().devices();
        if (devices.isEmpty()) {
            throw new BackendUnavailableException("no OpenCL device found");
        }
        try {
            return new OpenClBackend(OpenClDevices.choose(devices, OpenClDevices.selector(config)));
        } catch (IllegalArgumentException e) {
            throw new BackendUnavailableException(e.getMessage(), e);
        }
    }
    /**
     * Every OpenCL platform and device, one line each, the one {@code config} would use marked
     * {@code *}; never throws (a failure becomes the text).
     */
    public static String describeDevices(BackendConfig config) {
        try {
            OpenClDevices.Inventory inventory = inventory();
            if (inventory.platforms().isEmpty()) {
                return "  (no OpenCL platform)\n";
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < inventory.platforms().size(); i++) {
                sb.append("  platform ").append(i).append(": ").append(inventory.platforms().get(i)).append('\n');
            }
            if (inventory.devices().isEmpty()) {
                return sb.append("  (no OpenCL device)\n").toString();
            }
            ClDevice chosen;
            try {
                chosen = OpenClDevices.choose(inventory.devices(), OpenClDevices.selector(config));
            } catch (IllegalArgumentException e) {
                chosen = null;
            }
            return sb.append(OpenClDevices.list(inventory.devices(), chosen))
                    .append("  (pick one with -D").append(OpenClDevices.DEVICE_PROPERTY).append("=<index or name>)\n")
                    .toString();
        } catch (LinkageError e) {
            return "  " + NATIVE_FAILURE.of(e) + "\n";
        } catch (RuntimeException e) {
            return "  OpenCL query failed: " + e.getMessage() + "\n";
        }
    }

    private static OpenClDevices.Inventory inventory() {
        String known = NATIVE_FAILURE.known();
        if (known != null || !IcdLoader.findable()) {
            throw new UnsatisfiedLinkError(known != null ? known : NO_LOADER + ": the OpenCL ICD loader is not in"
                    + " LD_LIBRARY_PATH, the ld.so cache or the default library directories" + installHint());
        }
        return OpenClDevices.inventory();
    }

    /** A sentence saying why JOCL or libOpenCL could not be used. */
    private static String describe(LinkageError e) {
        String message = Natives.messages(e).replace("\n", "; ");
        if (message.startsWith(NO_LOADER)) {
            return message;
        } else if (e instanceof NoClassDefFoundError && message.startsWith("org/jocl")) {
            return "JOCL is not on the class path (org.jocl:jocl): " + message;
        } else if (message.contains("Implementation library could not be loaded")) {
            return NO_LOADER + ": JOCL loaded but could not open the OpenCL ICD loader libOpenCL.so" + installHint();
        }
        return "the JOCL native library failed to load: " + Natives.describe(e);
    }

    private static String installHint() {
        return IcdLoader.onlyVersionedInstalled()
                ? " (only libOpenCL.so.1 is installed; install ocl-icd-opencl-dev or link libOpenCL.so to it)"
                : " (install ocl-icd-libopencl1 / ocl-icd-opencl-dev)";
    }
}
