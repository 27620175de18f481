package org.distill4j.backend.cuda;

import java.util.Locale;

import org.distill4j.backend.device.DeviceBackend;

import jcuda.driver.CUdeviceptr;

/**
 * Runs every op on one NVIDIA GPU through the CUDA driver API (JCuda, {@link CudaDriver}): the kernels are this
 * package's PTX resources (made from the shared kernel sources of backend-device); gemm goes to cuBLAS ({@link Cublas}:
 * JCublas, else on JDK 22+ the FFM binding of {@code libcublas.so.13}), else to the built-in tiled kernel
 * ({@link #describe()} says which and why). Ops, memory and threads are {@link DeviceBackend}'s; every op also makes
 * the primary context current.
 *
 * <p>Options: {@code cuda.device} (index, default 0) and {@code cuda.gemm}: {@code auto} (cuBLAS
 * when it loads), {@code cublas} (fail without it) or {@code tiled} (always the built-in kernel).
 */
public final class CudaBackend extends DeviceBackend<CUdeviceptr> {
    /** How gemm is computed. */
    enum GemmChoice {
        AUTO, CUBLAS, TILED;

        static GemmChoice parse(String option) {
            try {
                return valueOf(option.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("option distill4j.cuda.gemm must be auto, cublas or tiled, found '"
                        + option + "'");
            }
        }
    }

    private final CudaDevice device;
    private final CudaDriver driver;

    /**
     * @throws CudaException when a driver call fails (e.g. {@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION} loading the PTX)
     * @throws IllegalStateException when {@code gemm} is {@link GemmChoice#CUBLAS} and cuBLAS cannot be used
     */
    CudaBackend(CudaDevice device, GemmChoice gemm) {
        this(device, new CudaDriver(device, gemm));
    }

    private CudaBackend(CudaDevice device, CudaDriver driver) {
        super(driver, "CUDA backend on " + device.name());
        this.device = device;
        this.driver = driver;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String describe() {
        return "CUDA " + device.summary() + "; " + driver.gemmDescription;
    }

    /** How gemm is computed and why, e.g. {@code "gemm: cuBLAS 12.6.4 (JCublas, libcublas.so.12)"}. */
    String gemmDescription() {
        return driver.gemmDescription;
    }
}
