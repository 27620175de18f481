package org.distill4j.backend.opencl;

import org.distill4j.backend.device.DeviceBackend;
import org.jocl.cl_mem;

/**
 * Runs every op as an OpenCL C kernel (the shared kernel sources of backend-device under this package's {@code dialect.cl}) on
 * one device, through one context and one in-order command queue ({@link OpenClDriver}); ops,
 * memory and threads are {@link DeviceBackend}'s. The program is built once per backend instance.
 */
public final class OpenClBackend extends DeviceBackend<cl_mem> {
    private final OpenClDriver driver;

    OpenClBackend(ClDevice device) {
        this(new OpenClDriver(device));
    }

    private OpenClBackend(OpenClDriver driver) {
        super(driver, "OpenCL backend on " + driver.device.name());
        this.driver = driver;
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public synchronized String describe() {
        return "OpenCL " + driver.device.summary() + " on " + driver.device.platformName() + ", "
                + (driver.tiledGemm ? "tiled 64x64 gemm" : "reference gemm");
    }

    /** The device's name as the driver reports it. */
    public String deviceName() {
        return driver.device.name();
    }

    /** Whether gemm uses the tiled kernel (the default) or the one-element-per-item reference kernel. */
    synchronized boolean tiledGemm() {
        return driver.tiledGemm;
    }

    /** Switches gemm to the reference kernel (for tests comparing the two) or back. */
    synchronized void useTiledGemm(boolean tiled) {
        driver.tiledGemm = tiled;
    }
}
