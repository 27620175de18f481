package org.distill4j.backend.cuda;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendUnavailableException;
import org.distill4j.backend.device.DeviceBackendProvider;
import org.distill4j.backend.device.Natives;

import jcuda.driver.CUresult;

/**
 * The {@code cuda} backend provider (priority {@value #PRIORITY}, above OpenCL and the CPU).
 * Loading this class touches no native code: JCuda's driver binding, and with it
 * {@code libcuda.so.1}, is first used by {@link #probe} and {@link #create}, which turn every
 * failure into a reason: {@code libcuda.so.1} missing, no CUDA device, a GPU older than the PTX
 * supports, a driver that cannot JIT the PTX ({@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION}), and
 * which cuBLAS binding gemm uses or why it uses the built-in tiled kernel.
 *
 * <p>The device is the option {@code cuda.device} (an index; from {@value #DEVICE_PROPERTY} through
 * {@link BackendConfig#fromEnvironment()}), else device 0; {@code cuda.gemm} chooses gemm (see {@link CudaBackend}).
 *
 * <p>Registered as a service ({@code META-INF/services}) since the backend passed the conformance
 * suite on a real GPU (an H200, with the built-in tiled gemm; {@code gpu/README.md}).
 */
public final class CudaBackendProvider extends DeviceBackendProvider {
    static final int PRIORITY = 30;
    /** The system property {@link BackendConfig#fromEnvironment()} turns into the option {@code cuda.device}. */
    public static final String DEVICE_PROPERTY = "distill4j.cuda.device";
    /** {@code CUDA_ERROR_INSUFFICIENT_DRIVER}, which JCuda 12.6's {@code CUresult} lacks. */
    private static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;

    private static final NativeFailure NATIVE_FAILURE = new NativeFailure(e -> {
        String why = Natives.describe(e);
        return why.startsWith("libcuda.so.1 not found")
                ? "libcuda.so.1 not found: no NVIDIA driver is installed (JCuda's driver API binding needs it)"
                : "JCuda's driver binding failed to load: " + why;
    });

    public CudaBackendProvider() {
        super("cuda", PRIORITY, NATIVE_FAILURE);
    }

    /**
     * Initialises the driver, finds the device {@code config} names and makes a backend on it for a moment (primary
     * context, stream, the PTX modules JIT-compiled, cuBLAS if it loads), so every problem shows here rather than in
     * the first op.
     */
    @Override
    protected Availability check(BackendConfig config) {
        CudaDevice device = device(config);
        String gemm;
        try (CudaBackend backend = new CudaBackend(device, CudaBackend.GemmChoice.AUTO)) {
            gemm = backend.gemmDescription();
        } catch (CudaException e) {
            return Availability.unavailable(device.summary() + ": " + e.getMessage());
        }
        int count = Cu.initAndCountDevices();
        return Availability.available(device.summary() + (count > 1 ? " (device " + device.index() + " of " + count + ")" : "")
                + "; " + gemm);
    }

    @Override
    protected Backend open(BackendConfig config) {
        CudaBackend.GemmChoice gemm = CudaBackend.GemmChoice.parse(config.option("cuda", "gemm").orElse("auto"));
        CudaDevice device = device(config);
        try {
            return new CudaBackend(device, gemm);
        } catch (IllegalStateException e) {
            throw new BackendUnavailableException(e.getMessage(), e);
        } catch (CudaException e) {
            throw new BackendUnavailableException(device.summary() + ": " + e.getMessage(), e);
        }
    }

    /** Initialises the driver and queries the device {@code config} names; a missing or too old one is a {@link BackendUnavailableException}. */
    private static CudaDevice device(BackendConfig config) {
        int count;
        try {
            count = Cu.initAndCountDevices();
        } catch (CudaException e) {
            throw new BackendUnavailableException(initFailure(e), e);
        }
        if (count == 0) {
            throw new BackendUnavailableException("no CUDA device: the driver (CUDA " + Cu.driverVersion() + ") reports none");
        }
        CudaDevice device = CudaDevice.query(deviceIndex(config, count));
        if (device.major() < Kernels.MIN_MAJOR || device.major() == Kernels.MIN_MAJOR && device.minor() < Kernels.MIN_MINOR) {
            throw new BackendUnavailableException(device.summary() + " is older than compute capability " + Kernels.MIN_MAJOR
                    + "." + Kernels.MIN_MINOR + ", the oldest the kernels' PTX (compute_" + Kernels.MIN_MAJOR + Kernels.MIN_MINOR
                    + ") supports");
        }
        return device;
    }

    /** The device index from {@code cuda.device}, or 0; an unknown one is an error listing the count. */
    private static int deviceIndex(BackendConfig config, int count) {
        String raw = config.option("cuda", "device").orElse(null);
        if (raw == null || raw.isBlank()) {
            return 0;
        }
        int index;
        try {
            index = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new BackendUnavailableException("the CUDA device must be an index 0.." + (count - 1) + ", found '" + raw + "'");
        }
        if (index < 0 || index >= count) {
            throw new BackendUnavailableException("no CUDA device " + index + ": there " + (count == 1 ? "is 1 device" : "are "
                    + count + " devices") + " (indices 0.." + (count - 1) + ")");
        }
        return index;
    }

    /** A sentence for a failed {@code cuInit} or device count. */
    private static String initFailure(CudaException e) {
        return switch (e.code()) {
            case CUresult.CUDA_ERROR_NO_DEVICE -> "no CUDA device (" + e.getMessage() + ")";
            case CUDA_ERROR_INSUFFICIENT_DRIVER -> "the NVIDIA driver is older than the CUDA 12 that JCuda "
                    + "12.6 needs (" + e.getMessage() + ")";
            case CUresult.CUDA_ERROR_STUB_LIBRARY -> "libcuda.so.1 is the CUDA toolkit's stub library, not a driver;"
                    + " install the NVIDIA driver or take the stubs directory off LD_LIBRARY_PATH (" + e.getMessage() + ")";
            default -> "the CUDA driver failed to start: " + e.getMessage();
        };
    }
}
