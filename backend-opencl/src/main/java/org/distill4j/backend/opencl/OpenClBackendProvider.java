package org.distill4j.backend.opencl;

import java.util.List;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendProvider;
import org.distill4j.backend.BackendUnavailableException;

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
public final class OpenClBackendProvider implements BackendProvider {
    static final int GPU_PRIORITY = 20;
    static final int CPU_ONLY_PRIORITY = -10;

    /** Why JOCL could not load, remembered because a failed class initialisation is only reported once in full. */
    private static volatile String nativeFailure;

    @Override
    public String name() {
        return "opencl";
    }

    /** {@value #CPU_ONLY_PRIORITY}; a probe that finds a GPU or accelerator answers with {@value #GPU_PRIORITY}. */
    @Override
    public int priority() {
        return CPU_ONLY_PRIORITY;
    }

    @Override
    public String artifact() {
        return "org.distill4j:distill4j-backend-opencl";
    }

    @Override
    public Availability probe(BackendConfig config) {
        try {
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
        } catch (LinkageError e) {
            return Availability.unavailable(nativeFailure(e));
        } catch (RuntimeException e) {
            return Availability.unavailable("OpenCL probe failed: " + e.getMessage());
        }
    }

    @Override
    public Backend create(BackendConfig config) {
        String selector = OpenClDevices.selector(config);
        try {
            List<ClDevice> devices = inventory().devices();
            if (devices.isEmpty()) {
                throw new BackendUnavailableException("no OpenCL device found");
            }
            ClDevice device;
            try {
                device = OpenClDevices.choose(devices, selector);
            } catch (IllegalArgumentException e) {
                throw new BackendUnavailableException(e.getMessage(), e);
            }
            return new OpenClBackend(device);
        } catch (LinkageError e) {
            throw new BackendUnavailableException(nativeFailure(e), e);
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
            return "  " + nativeFailure(e) + "\n";
        } catch (RuntimeException e) {
            return "  OpenCL query failed: " + e.getMessage() + "\n";
        }
    }

    private static OpenClDevices.Inventory inventory() {
        String failed = nativeFailure;
        if (failed == null && !IcdLoader.findable()) {
            failed = "no libOpenCL.so: the OpenCL ICD loader is not in LD_LIBRARY_PATH, the ld.so cache or the"
                    + " default library directories" + installHint();
            nativeFailure = failed;
        }
        if (failed != null) {
            throw new UnsatisfiedLinkError(failed);
        }
        return OpenClDevices.inventory();
    }

    /** A sentence saying why JOCL or libOpenCL could not be used; remembers the first one. */
    private static String nativeFailure(LinkageError e) {
        String known = nativeFailure;
        if (known != null) {
            return known;
        }
        StringBuilder chain = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            chain.append("; ").append(cause.getMessage());
        }
        String message = chain.toString();
        String reason;
        if (e instanceof NoClassDefFoundError && message.startsWith("org/jocl")) {
            reason = "JOCL is not on the class path (org.jocl:jocl): " + message;
        } else if (message.contains("Implementation library could not be loaded")) {
            reason = "no libOpenCL.so: JOCL loaded but could not open the OpenCL ICD loader libOpenCL.so" + installHint();
        } else {
            reason = "the JOCL native library failed to load: " + e.getClass().getSimpleName() + ": " + message;
        }
        nativeFailure = reason;
        return reason;
    }

    private static String installHint() {
        return IcdLoader.onlyVersionedInstalled()
                ? " (only libOpenCL.so.1 is installed; install ocl-icd-opencl-dev or link libOpenCL.so to it)"
                : " (install ocl-icd-libopencl1 / ocl-icd-opencl-dev)";
    }
}
