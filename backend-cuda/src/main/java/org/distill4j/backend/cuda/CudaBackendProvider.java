package org.distill4j.backend.cuda;

import org.distill4j.backend.Availability;
import org.distill4j.backend.Backend;
import org.distill4j.backend.BackendConfig;
import org.distill4j.backend.BackendUnavailableException;
import org.distill4j.backend.device.DeviceBackendProvider;
import org.distill4j.backend.device.Natives;

import jcuda.driver.CUresult;

/**
 * The {@code cuda} backend provider (priority {@value #PRIORITY}, above OpenCL and the CPU). Loading it touches no
 * native code: {@link #probe} and {@link #create} first load JCuda's driver binding and {@code libcuda.so.1}, and turn
 * every failure into a reason: the driver missing, no CUDA device, a GPU older than the PTX supports, a driver that
 * cannot JIT the PTX, and which cuBLAS binding gemm uses or why it uses the built-in tiled kernel. The device is the
 * option {@code cuda.device} (an index; from {@value #DEVICE_PROPERTY} through {@link BackendConfig#fromEnvironment()}),
 * else device 0; {@code cuda.gemm} chooses gemm (see {@link CudaBackend}). Registered as a service since the backend
 * passed the conformance suite on an H200 ({@code gpu/README.md}).
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

    /** Makes a backend on the device {@code config} names for a moment, so every problem shows here rather than in the first op. */
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

    /** Initialises the driver and queries the device {@code config} names; throws the reason when it is missing or too old. */
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

    /** The device index from {@code cuda.device}, or 0; anything but an index of a device is an error listing the count. */
    private static int deviceIndex(BackendConfig config, int count) {
        String raw = config.option("cuda", "device").orElse("").trim();
        int index = raw.isEmpty() ? 0 : raw.matches("\\d{1,9}") ? Integer.parseInt(raw) : -1;
        if (index < 0 || index >= count) {
            throw new BackendUnavailableException("no CUDA device " + raw + ": there " + (count == 1 ? "is 1 device" : "are "
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
